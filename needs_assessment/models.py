"""Models of stage 1, understanding the context. Built by its stage issue."""
