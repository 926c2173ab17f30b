"""Run handlers of the feedback part (registered with commissioning.runs.run_handler)."""
