"""Who sees what of stage 3 finance (scope functions registered with commissioning.access)."""
