"""Hall boards and window displays."""
