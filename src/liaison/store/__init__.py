"""The store: SQLAlchemy 2 tables, Alembic migrations and the STIX object repository."""
