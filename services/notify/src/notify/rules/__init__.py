"""Rules (事件通知规则): which tickets events send which template to whom, over which channels."""
