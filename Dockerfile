# Job Hunter on the official Airflow 3 image: our requirements and code baked in.
# Used by docker-compose.airflow.yml for every Airflow service and for the web app.
FROM apache/airflow:3.3.2-python3.11

USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
USER airflow

COPY --chown=airflow:root requirements.txt /opt/jobhunter/requirements.txt
RUN pip install --no-cache-dir -r /opt/jobhunter/requirements.txt

COPY --chown=airflow:root pyproject.toml README.md /opt/jobhunter/
COPY --chown=airflow:root core /opt/jobhunter/core
COPY --chown=airflow:root domain /opt/jobhunter/domain
COPY --chown=airflow:root etl /opt/jobhunter/etl
COPY --chown=airflow:root testing /opt/jobhunter/testing
COPY --chown=airflow:root webapp /opt/jobhunter/webapp
COPY --chown=airflow:root jobhunter /opt/jobhunter/jobhunter
COPY --chown=airflow:root assets /opt/jobhunter/assets
COPY --chown=airflow:root dags /opt/airflow/dags
RUN pip install --no-cache-dir --no-deps -e /opt/jobhunter

ENV PYTHONPATH=/opt/jobhunter
