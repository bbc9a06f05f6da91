"""The work log's pure parts: how people write durations, dates and periods, and money."""
