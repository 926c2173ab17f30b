"""Scopes of the plans part's models (registered with commissioning.access.scope)."""
