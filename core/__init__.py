"""Shared core of Job Hunter: settings, the database engine and the schema.

Both ``etl`` and ``webapp`` import this package; neither imports the other.
"""
