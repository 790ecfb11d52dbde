"""Territories (地域): the estates and buildings each staff member covers; changes take effect at once."""
