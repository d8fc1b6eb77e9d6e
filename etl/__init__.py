"""Harvesting hh.ru: extract, transform, load, notify and audit. Plain Python, no Airflow."""
