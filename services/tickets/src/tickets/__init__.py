"""tickets: inquiries, repairs and complaints with the textbook's procedure, service levels and escalation."""
