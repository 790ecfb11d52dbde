"""People: owners (业主) and occupants (住户), how to reach them, and whom to call first for a unit (联系人)."""
