"""Run handlers of the loop part (registered with commissioning.runs.run_handler)."""
