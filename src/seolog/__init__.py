"""seolog: SEO audits, a log of SEO work and client reports, from the command line."""

__version__ = "0.1.0"
