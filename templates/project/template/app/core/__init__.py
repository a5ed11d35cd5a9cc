"""Shared machinery: settings, database, auth, errors, responses, logging."""
