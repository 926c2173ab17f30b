"""Scopes of the loop part's models (registered with commissioning.access.scope)."""
