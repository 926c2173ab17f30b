"""Background-run handlers of stage 1 ingest (registered with @run_handler)."""
