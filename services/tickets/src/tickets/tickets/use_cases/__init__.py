"""What callers can do with tickets: ``entry`` opens them (quick entry, TKT-1), ``procedure`` takes
them through the complaint procedure (TKT-3, TKT-6); one function a use case, each in one unit of work."""
