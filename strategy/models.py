"""Models of stage 2, developing the long-term strategy. Built by its stage issue."""
