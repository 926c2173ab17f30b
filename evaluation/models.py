"""Models of stage 4, evaluating impact. Built by its stage issue."""
