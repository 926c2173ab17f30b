"""Stage 3 views, one module per part. Thin: reads through queries, writes through actions."""
