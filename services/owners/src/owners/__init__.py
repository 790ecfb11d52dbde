"""The owners service: estates, buildings, units, owners and occupants, staff and territories, visitors."""
