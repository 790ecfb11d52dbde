"""Owners' forums (业户座谈会, SRV-6): invited households in turn, attendees, suggestions tracked as actions."""
