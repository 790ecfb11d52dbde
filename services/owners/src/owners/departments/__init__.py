"""Departments (部门, OWN-9): an estate's customer service, engineering, security ... with a supervisor each."""
