"""Use-cases that orchestrate the crawl, the store and the rest; no printing here."""
