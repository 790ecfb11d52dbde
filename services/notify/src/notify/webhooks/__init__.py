"""Webhook endpoints: the company systems notify sends signed webhooks to, and their failure state."""
