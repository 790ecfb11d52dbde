"""Common areas and equipment (OWN-10): an estate's lifts, pumps, gates, lighting, car parks, fire systems."""
