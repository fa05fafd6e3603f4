"""wearsync: your wearable's data against the guidance that works."""
