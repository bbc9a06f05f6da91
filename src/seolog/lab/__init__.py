"""Lab measurements: the real Lighthouse in a real Chromium, on a sample of a site's pages."""
