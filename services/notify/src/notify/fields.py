"""Fields the notify schemas share."""

from __future__ import annotations

from servicekit.exact import JsonBoolean

__all__ = ["JsonBoolean"]
