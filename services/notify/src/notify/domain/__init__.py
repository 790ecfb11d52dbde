"""notify's vocabulary and rules, without I/O."""
