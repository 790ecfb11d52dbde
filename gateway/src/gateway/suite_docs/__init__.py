"""The suite's one API document and its docs page, as the front door serves them at /openapi.json and
/docs: every service's paths under its prefix, fetched from the services themselves."""
