"""Run handlers of the plans part (registered with commissioning.runs.run_handler)."""
