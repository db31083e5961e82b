"""Imports every module that registers job handlers, so a worker knows every kind."""

import app.imports.jobs  # noqa: F401
