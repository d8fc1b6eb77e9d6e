"""Vacancy sources: one sub-package per board behind the interface in :mod:`etl.sources.base`."""
