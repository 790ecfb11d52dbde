"""Callbacks (安排回电): promised calls back, due at a time, reminded and escalated by the timer."""
