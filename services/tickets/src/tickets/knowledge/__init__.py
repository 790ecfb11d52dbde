"""The knowledge base (TKT-10): problems and solutions, versioned, reviewed, searched in Chinese and English."""
