"""Sign-in: a staff member's password for an access token and a refresh token; refreshing (one use
each, a reuse revokes the family); signing out; the append-only audit of all of it."""
