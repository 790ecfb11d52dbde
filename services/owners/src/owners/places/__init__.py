"""Places: the estates a company runs, their buildings (楼栋) and units (房号)."""
