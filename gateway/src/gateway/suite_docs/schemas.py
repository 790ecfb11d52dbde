"""The suite documents' schemas: an OpenAPI document is described by its own specification."""

DOCUMENT = {"type": "object", "required": ["openapi", "info", "paths"],
            "properties": {"openapi": {"type": "string"}, "info": {"type": "object"}, "paths": {"type": "object"}}}
