"""Keys: the asymmetric keys that sign the suite's tokens, published as a JWKS, rotated without a restart."""
