"""(being built: issue 24)"""
