"""Who sees what of stage 3 scenarios (scope functions registered with commissioning.access)."""
