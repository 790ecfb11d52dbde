"""Which estate each kind of row a request names lies in: the gateway's rows (keys, accounts) belong
to the operator, not to an estate, so none is scoped by one."""

SCOPE: dict = {}
