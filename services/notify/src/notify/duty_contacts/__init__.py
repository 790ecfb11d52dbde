"""The operator's duty contacts (集团值班): who hears of an escalation that went past every level of an estate."""
