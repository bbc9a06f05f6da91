"""Client reports: data gathered from the store, rendered with Jinja to HTML, printed to PDF."""
