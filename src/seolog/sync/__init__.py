"""Sync to the hosted SEO platform: its API client, the payloads, and the outbox drain."""
