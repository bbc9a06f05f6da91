"""HTML parsing: a fetched page becomes a PageSnapshot."""
