"""Visitors (访客): the front desk's register of who came to which unit, and when they left."""
