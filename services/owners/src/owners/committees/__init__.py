"""The owners' committee (业主委员会, SRV-7): its members with roles and terms, and the log of contacts."""
