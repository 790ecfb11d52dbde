"""The quarterly bulletin of a wave's results (满意度调查公告, SRV-6): a printable page and an XLSX."""
