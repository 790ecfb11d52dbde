"""Questionnaires (SRV-2): the built-in nine-element default, operators' own, their versions."""
