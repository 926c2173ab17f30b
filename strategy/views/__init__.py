"""Stage 2 views, one module per part. Thin: reads through queries, writes through actions."""
