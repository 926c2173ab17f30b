"""Scopes of the tracking part's models (registered with commissioning.access.scope)."""
