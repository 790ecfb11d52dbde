"""The edge: the one front door every client goes through (nginx under `make run`), rendered from the
route table in this folder. Routing is the proxy's work, never Python's on the request path."""
