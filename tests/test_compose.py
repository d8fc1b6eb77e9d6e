"""docker-compose.airflow.yml: no Docker engine here, so the file itself is checked."""

from __future__ import annotations

import re

import pytest
import yaml

from jobhunter.airflow_env import CELERY_ENV_FILE, COMPOSE_ENDPOINTS, compose_env, read_env_file
from tests.conftest import ROOT

AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "airflow-init",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.airflow.yml").read_text(encoding="utf-8"))


def test_official_airflow_3_layout_plus_our_services(compose) -> None:
    services = compose["services"]
    assert set(services) == AIRFLOW_SERVICES | {"postgres", "redis", "jobhunter-db", "jobhunter-web"}
    for name in AIRFLOW_SERVICES:
        service = services[name]
        assert service["build"] == "." and service["image"] == "jobhunter-airflow:latest", name
        env = read_env_file() | service["environment"]  # env_file first, environment over it
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
        assert env["AIRFLOW_CONN_JOBHUNTER_DB"].startswith("postgresql://")
        assert "@jobhunter-db:5432/jobhunter" in env["AIRFLOW_CONN_JOBHUNTER_DB"]
    assert services["airflow-worker"]["command"] == "celery worker"
    assert services["airflow-apiserver"]["ports"] == ["8080:8080"]
    assert services["jobhunter-web"]["ports"] == ["8050:8050"]
    assert "jobhunter db upgrade" in " ".join(services["airflow-init"]["command"])
    init = " ".join(services["airflow-init"]["command"])
    assert all(f"pools set {pool}" in init for pool in ("hh_api", "trudvsem_api", "superjob_api"))


def test_healthchecks_and_start_order(compose) -> None:
    services = compose["services"]
    for name in (
        "postgres",
        "redis",
        "jobhunter-db",
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-worker",
    ):
        assert "healthcheck" in services[name], name
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        assert services[name]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"


def test_volumes_are_declared_and_local_files_exist(compose) -> None:
    declared = set(compose["volumes"])
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: {source} does not exist"
            else:
                assert source in declared, f"{name}: volume {source} is not declared"
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("# ") and "FROM apache/airflow:3.3.2-python3.11" in dockerfile
    copied = set()
    for source in re.findall(r"^COPY (?:--\S+ )*(.+) \S+$", dockerfile, re.MULTILINE):
        for path in source.split():
            assert (ROOT / path).exists(), f"Dockerfile copies {path}, which does not exist"
            copied.add(path)
    # every package the product installs is in the image (the workers import them all)
    packages = re.search(r"include = \[(.*?)\]", (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert packages and {p.strip(' "*') for p in packages.group(1).split(",")} <= copied
    assert (ROOT / ".env.example").exists()


def test_no_secret_is_written_into_the_file() -> None:
    text = (ROOT / "docker-compose.airflow.yml").read_text(encoding="utf-8")
    for line in text.splitlines():
        if re.search(r"(PASSWORD|TOKEN|FERNET_KEY|SECRET)\w*:\s", line) and "${" not in line:
            raise AssertionError(f"hard-coded secret: {line.strip()}")
    assigned = [
        line for line in text.splitlines() if "JH_HH_APP_TOKEN" in line and not line.strip().startswith("#")
    ]
    assert assigned == []  # the token comes from .env only


def test_the_compose_file_and_jobhunter_cluster_share_one_airflow_configuration(
    compose, settings_factory
) -> None:
    """Executor, broker, result backend, execution API URL and the JWT secret: what the compose
    file gives every Airflow service is what jobhunter/airflow_env.py makes of its endpoints,
    and `jobhunter cluster` builds its environment from the same function and file."""
    from jobhunter.airflow_env import airflow_env, celery_env

    expected = compose_env()
    shared = {"AIRFLOW__CORE__EXECUTOR", "AIRFLOW__CELERY__BROKER_URL", "AIRFLOW__CELERY__RESULT_BACKEND"}
    shared |= {"AIRFLOW__CORE__EXECUTION_API_SERVER_URL", "AIRFLOW__API_AUTH__JWT_SECRET"}
    assert shared <= set(expected)
    for name in AIRFLOW_SERVICES:
        service = compose["services"][name]
        files = [entry["path"] if isinstance(entry, dict) else entry for entry in service["env_file"]]
        assert files[0] == CELERY_ENV_FILE.name, name  # the file first: .env may override it
        given = read_env_file(ROOT / files[0]) | service["environment"]
        assert {key: given.get(key) for key in expected} == expected, name
        assert given["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == COMPOSE_ENDPOINTS["metadata_url"]
    # one JWT secret for every service, from .env, never written into the file
    assert COMPOSE_ENDPOINTS["jwt_secret"].startswith("${AIRFLOW_JWT_SECRET:?")
    assert "AIRFLOW_JWT_SECRET=" in (ROOT / ".env.example").read_text(encoding="utf-8")

    settings = settings_factory(airflow_port=8123)
    local = airflow_env(settings, "postgresql+psycopg://x@/jobhunter", "postgresql+psycopg2://x@/af")
    cluster = local | celery_env(
        broker_url="redis://127.0.0.1:6379/0",
        metadata_url=local["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"],
        execution_api_url=local["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"],
        jwt_secret=local["AIRFLOW__API_AUTH__JWT_SECRET"],
    )
    assert set(expected) <= set(cluster)
    assert {k: cluster[k] for k in read_env_file()} == {k: expected[k] for k in read_env_file()}
    assert cluster["AIRFLOW__CORE__EXECUTOR"] == expected["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert cluster["AIRFLOW__CELERY__RESULT_BACKEND"] == "db+postgresql+psycopg2://x@/af"
    assert expected["AIRFLOW__CELERY__RESULT_BACKEND"] == "db+" + COMPOSE_ENDPOINTS["metadata_url"]
    assert cluster["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://localhost:8123/execution/"
    assert expected["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].endswith(":8080/execution/")
    assert compose["services"]["airflow-apiserver"]["ports"] == ["8080:8080"]  # where that URL points
    assert len(cluster["AIRFLOW__API_AUTH__JWT_SECRET"]) >= 32
