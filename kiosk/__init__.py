"""Hall kiosk: the touchscreen where citizens take a number."""
