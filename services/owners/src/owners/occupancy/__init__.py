"""Occupancy: people moving into and out of units (入住, 迁出); a unit may have several occupants."""
