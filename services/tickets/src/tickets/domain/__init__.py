"""The ticket domain: its stages and rules, free of Flask and SQLAlchemy."""
