"""Run handlers of the tracking part (registered with commissioning.runs.run_handler)."""
