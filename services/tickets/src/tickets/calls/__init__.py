"""Calls (电话服务, TKT-9): the desk lines, the call log, finding the caller, dialling out."""
