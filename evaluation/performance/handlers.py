"""Run handlers of the performance part (registered with commissioning.runs.run_handler)."""
