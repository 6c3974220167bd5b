"""Hardware drivers: each a pure codec and a thin serial transport."""
