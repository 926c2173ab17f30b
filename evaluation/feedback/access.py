"""Scopes of the feedback part's models (registered with commissioning.access.scope)."""
