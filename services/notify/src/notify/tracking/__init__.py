"""Delivery tracking (送达跟踪, NTF-2): who got a notice, over which channel, and who must still be called."""
