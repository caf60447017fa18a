"""The project store: models, engine, schema versions and migrations."""
