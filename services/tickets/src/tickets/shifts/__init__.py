"""Shifts at the front desk (TKT-13): the handover record (交接班记录) and the duty logbook (岗位记事本)."""
