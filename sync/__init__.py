"""Sources: FIT files and Garmin Connect, turned into the store's records."""
