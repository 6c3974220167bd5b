"""The hall's queue server: the one source of truth for tickets, windows and ratings."""
