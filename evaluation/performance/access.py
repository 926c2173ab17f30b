"""Scopes of the performance part's models (registered with commissioning.access.scope)."""
