"""Household imports (住户导入): moving an estate's buildings, units, people and contacts onto the system from CSV."""
