"""Background-run handlers of stage 1 profile (registered with @run_handler)."""
