"""The work both the harvest (``etl/``) and the web app (``webapp/``) share; no Dash, no Airflow."""
