"""Who sees what of stage 3 selection (scope functions registered with commissioning.access)."""
