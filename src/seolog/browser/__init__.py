"""Rendering pages in a real browser (headless Chromium driven by Playwright), for sites whose
content, links or head tags are made by JavaScript. Imported only by scans that render: a scan
without --render, and `seolog --help`, never load Playwright."""
