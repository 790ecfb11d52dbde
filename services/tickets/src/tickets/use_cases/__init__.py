"""What callers can do with tickets: one function a use case, each in one unit of work.

``entry`` opens tickets (quick entry, TKT-1); ``procedure`` takes them through the complaint
procedure (TKT-3, TKT-6); ``categories`` configures the repair and inquiry categories.
"""
