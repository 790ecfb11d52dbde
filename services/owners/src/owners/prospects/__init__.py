"""Prospects (潜在客户, OWN-7): leads, their pipeline, activities and follow-ups, and their conversion."""
