"""A person's opt-outs (退订) of non-essential notices, per purpose."""
