"""The crawler: frontier, fetching, robots.txt, sitemaps and the async engine."""
