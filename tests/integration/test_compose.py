"""The production compose file: what it must promise, checked without a Docker engine."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
APP_SERVICES = ("migrate", "intake", "routing", "notify", "imports", "relay", "scheduler")
PROBED = ("routing", "notify", "imports", "relay", "scheduler")
# Where the metric names that dashboards and alerts may use are defined.
METRIC_SOURCES = (
    "shared/runtime/metrics.py",
    "services/intake/edge/http_metrics.py",
    "services/intake/edge/scrape_metrics.py",
)
SECRETS = {
    "POSTGRES_PASSWORD": "not-a-real-password",
    "SEKBER_SECRET_KEY": "not-a-real-key",
    "SEKBER_DATA_KEY": "not-a-real-key",
}


def compose_command() -> list[str] | None:
    """`docker compose` (v2) or `docker-compose` (v1); either validates with no engine."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def run_config(
    command: list[str], extra_env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    # An empty env file and a clean environment, so that a developer's .env or exported
    # secrets cannot make a missing secret look present.
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in SECRETS and not k.startswith("SEKBER_")}
    env.update(extra_env)
    return subprocess.run(
        [*command, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found = compose["services"]
    assert isinstance(found, dict)
    return found


def test_compose_file_is_valid_when_the_secrets_are_given(tmp_path: Path) -> None:
    command = compose_command()
    if command is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    result = run_config(command, SECRETS, tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_compose_refuses_to_start_without_a_secret(missing: str, tmp_path: Path) -> None:
    command = compose_command()
    if command is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    given = {k: v for k, v in SECRETS.items() if k != missing}
    result = run_config(command, given, tmp_path)
    assert result.returncode != 0
    assert missing in result.stderr


def test_redis_keeps_the_queue_on_disk_and_never_evicts(services: dict[str, Any]) -> None:
    command = services["redis"]["command"]
    words = command.split() if isinstance(command, str) else [str(w) for w in command]
    assert "--appendonly" in words
    assert words[words.index("--appendonly") + 1] == "yes"
    assert words[words.index("--appendfsync") + 1] == "everysec"
    assert words[words.index("--maxmemory-policy") + 1] == "noeviction"
    assert any(v.endswith(":/data") for v in services["redis"]["volumes"])


def test_every_app_service_runs_the_same_image(services: dict[str, Any]) -> None:
    images = {(services[name]["image"], str(services[name]["build"])) for name in APP_SERVICES}
    assert len(images) == 1
    commands = {name: services[name]["command"] for name in APP_SERVICES}
    assert commands["intake"] == ["sekber", "intake"]
    assert commands["routing"] == ["sekber", "routing"]
    assert commands["notify"] == ["sekber", "notify"]
    assert commands["relay"] == ["sekber", "relay"]
    assert commands["scheduler"] == ["sekber", "scheduler"]
    assert "sekber migrate" in " ".join(commands["migrate"])


def test_secrets_must_be_given_and_have_no_default(compose: dict[str, Any]) -> None:
    text = COMPOSE_FILE.read_text()
    for secret in SECRETS:
        assert f"${{{secret}:?" in text
        assert f"${{{secret}:-" not in text and f"${{{secret}}}" not in text
    env = compose["services"]["intake"]["environment"]
    assert env["SEKBER_ENVIRONMENT"] == "production"
    assert "${POSTGRES_PASSWORD:?" in env["SEKBER_DATABASE_URL"]
    assert env["SEKBER_SECRET_KEY"].startswith("${SEKBER_SECRET_KEY:?")


def test_intake_has_a_health_check_on_healthz(services: dict[str, Any]) -> None:
    test = services["intake"]["healthcheck"]["test"]
    assert "/healthz" in " ".join(test)
    assert "curl" not in " ".join(test)  # python:3.11-slim has no curl


def test_services_start_after_their_dependencies(services: dict[str, Any]) -> None:
    for name in ("intake", "routing", "notify", "relay"):
        needs = services[name]["depends_on"]
        assert needs["postgres"]["condition"] == "service_healthy"
        assert needs["redis"]["condition"] == "service_healthy"
        assert needs["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["restart"] == "unless-stopped"
    assert services["migrate"]["restart"] == "no"


def test_the_scheduler_starts_after_redis_and_the_migration(services: dict[str, Any]) -> None:
    needs = services["scheduler"]["depends_on"]
    assert needs["redis"]["condition"] == "service_healthy"
    assert needs["migrate"]["condition"] == "service_completed_successfully"
    assert services["scheduler"]["restart"] == "unless-stopped"
    assert "healthcheck" in services["postgres"] and "healthcheck" in services["redis"]


def test_every_app_service_has_resource_limits(services: dict[str, Any]) -> None:
    for name in (*APP_SERVICES, "flower", "prometheus", "grafana"):
        limits = services[name]["deploy"]["resources"]["limits"]
        assert limits["cpus"] and limits["memory"], name


def test_workers_and_relay_serve_metrics_on_ports_prometheus_scrapes(
    services: dict[str, Any],
) -> None:
    scraped = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    targets = {
        sd["names"][0]: sd["port"]
        for job in scraped["scrape_configs"]
        for sd in job.get("dns_sd_configs", ())
    }
    assert targets["intake"] == 8000
    for name in ("routing", "notify", "relay"):
        port = int(services[name]["environment"]["SEKBER_METRICS_PORT"])
        assert targets[name] == port
        assert services[name]["expose"] == [str(port)]
        # Not published on the host: `--scale` would need a port per replica.
        assert "ports" not in services[name]
        assert services[name]["environment"]["SEKBER_METRICS_HOST"] == "0.0.0.0"


def test_monitoring_is_opt_in_and_stays_on_localhost(services: dict[str, Any]) -> None:
    for name in ("flower", "prometheus", "grafana"):
        assert services[name]["profiles"] == ["monitoring"]
        assert all(p.startswith("127.0.0.1:") for p in services[name]["ports"])
    assert "--broker=redis://redis:6379/0" in services["flower"]["command"]


def assert_exported(exprs: list[str]) -> set[str]:
    """Every sekber_* name in the expressions is one the code exports; returns the names."""
    names = set(re.findall(r"\bsekber_[a-z_]+", " ".join(exprs)))
    sources = "".join((ROOT / path).read_text() for path in METRIC_SOURCES)
    for name in names:
        base = re.sub(r"_(total|bucket|count|sum)$", "", name)
        assert f'"{base}"' in sources, name
    return names


def test_the_dashboard_is_valid_and_uses_metrics_the_code_exports() -> None:
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "sekber-dashboard.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    names = assert_exported(exprs)
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])
    for gauge in (
        "sekber_queue_depth",
        "sekber_queue_unacked",
        "sekber_notifications_undelivered",
        "sekber_unroutable_tasks",
        "sekber_open_tasks_past_deadline",
        "sekber_deadline_breaches_total",
        "sekber_metrics_source_up",
    ):
        assert gauge in names, gauge
    boxes = [
        (p["gridPos"]["x"], p["gridPos"]["y"], p["gridPos"]["w"], p["gridPos"]["h"])
        for p in dashboard["panels"]
    ]
    cells = [(x + i, y + j) for x, y, w, h in boxes for i in range(w) for j in range(h)]
    assert len(cells) == len(set(cells)), "dashboard panels overlap"


def test_the_alert_rules_parse_and_use_metrics_the_code_exports() -> None:
    rules = yaml.safe_load((ROOT / "deploy" / "alerts.yml").read_text())
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    assert len(alerts) >= 8
    assert len({rule["alert"] for rule in alerts}) == len(alerts)
    for rule in alerts:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert re.fullmatch(r"Sekber[A-Za-z]+", rule["alert"])
        assert rule["labels"]["severity"] in ("page", "ticket"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert "for" not in rule or re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]
        expr = rule["expr"]
        assert expr.count("(") == expr.count(")") and expr.count("{") == expr.count("}")
        assert expr.count("[") == expr.count("]"), rule["alert"]
    assert_exported([rule["expr"] for rule in alerts])


def test_prometheus_loads_the_alert_rules_compose_mounts(services: dict[str, Any]) -> None:
    scraped = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    assert scraped["rule_files"] == ["/etc/prometheus/alerts.yml"]
    assert "./deploy/alerts.yml:/etc/prometheus/alerts.yml:ro" in services["prometheus"]["volumes"]


@pytest.mark.parametrize("name", PROBED)
def test_workers_relay_and_scheduler_have_a_liveness_check_on_their_heartbeat(
    name: str, services: dict[str, Any]
) -> None:
    check = services[name]["healthcheck"]
    assert check["test"] == ["CMD", "python", "-m", "sekber_cli.probe", name]
    assert check["start_period"] and check["retries"] >= 1
    env = services[name]["environment"]
    assert env["SEKBER_HEARTBEAT_DIR"].startswith("/tmp/")


def test_the_ha_profile_runs_a_durable_replica_and_three_sentinels(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    replica = services["redis-replica"]
    words = [str(w) for w in replica["command"]]
    assert words[words.index("--replicaof") + 1 : words.index("--replicaof") + 3] == [
        "redis",
        "6379",
    ]
    assert words[words.index("--appendonly") + 1] == "yes"
    sentinels = [name for name in services if name.startswith("sentinel-")]
    assert len(sentinels) == 3
    for name in ["redis-replica", *sentinels]:
        assert services[name]["profiles"] == ["ha"]
    assert "sentinel monitor sekber redis 6379 2" in services["sentinel-1"]["command"][-1]
    # The app's Redis is one server unless the operator names the Sentinel group.
    url = compose["x-sekber-env"]["SEKBER_REDIS_URL"]
    assert url == "${SEKBER_REDIS_URL:-redis://redis:6379/0}"
