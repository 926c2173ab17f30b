"""Stage 1 views, one module per part: landing, uploads, profiles, segmentation, documents,
insight. Views are thin: they read through queries (access-scoped) and write through
actions."""
