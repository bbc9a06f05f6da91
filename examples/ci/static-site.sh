#!/usr/bin/env bash
# A static-site job for any CI: build the site into a folder, audit that folder, fail under 90.
# The folder is served on 127.0.0.1 for the crawl; --base-url says what public URL it stands for.
set -euo pipefail

npm run build            # or: hugo, mkdocs build, eleventy … writes ./public
seolog scan ./public --base-url https://www.example.com --fail-under 90 -o seolog.md
