"""Background-run handlers of stage 1 segmentation (registered with @run_handler)."""
