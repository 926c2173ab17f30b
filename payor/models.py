"""Models of stage 3, delivering through resource allocation. Built by its stage issue."""
