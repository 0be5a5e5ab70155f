"""The deployment files: compose valid against the Compose Specification schema, and coherent.

The schema is the one ``check-jsonschema`` ships (a dev dependency, with ruamel.yaml): no network
at test time.
"""

from __future__ import annotations

import copy
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from bot.settings import load_settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def compose_schema() -> dict[str, Any]:
    vendor = resources.files("check_jsonschema") / "builtin_schemas" / "vendor"
    schema: dict[str, Any] = json.loads((vendor / "compose-spec.json").read_text())
    return schema


def compose() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load((DEPLOY / "compose.yaml").read_text())
    return data


def errors_of(document: dict[str, Any]) -> list[str]:
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [e.message for e in validator.iter_errors(document)]


def test_compose_file_follows_the_compose_specification():
    assert errors_of(compose()) == []


def test_the_validator_catches_a_broken_compose_file():
    broken = copy.deepcopy(compose())
    broken["services"]["proxy"]["ports"] = {"443": "443"}
    broken["services"]["bot"]["restart_policy"] = "always"
    assert len(errors_of(broken)) >= 2


def test_scaled_shape_runs_webhook_bots_workers_postgres_and_a_proxy():
    services = compose()["services"]
    assert services["bot"]["command"][:2] == ["run", "--webhook"]
    assert services["worker"]["command"] == ["worker"]
    for name in ("bot", "worker"):
        assert services[name]["environment"]["CARNET_QUEUE"] == "postgres"
        assert services[name]["deploy"]["replicas"] >= 2
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert "healthcheck" in services["db"]
    assert "reverse_proxy" in (DEPLOY / "Caddyfile").read_text()


def test_example_environment_names_only_known_settings():
    names = {}
    for line in (DEPLOY / "carnet.env.example").read_text().splitlines():
        match = re.match(r"^#?\s*((?:CARNET|TELEGRAM)_[A-Z_]+)=(.*)$", line)
        if match:
            names[match.group(1)] = match.group(2)
    assert {"TELEGRAM_BOT_TOKEN", "CARNET_QUEUE", "CARNET_HEALTH_PORT"} <= set(names)
    for key in compose()["services"]["bot"]["environment"]:
        assert key in names, f"{key} documented in carnet.env.example"
    env = {k: v for k, v in names.items() if v}  # the example's own values, commented or not
    load_settings(env)  # raises on an unknown CARNET_* name or a malformed value


@pytest.mark.parametrize("unit", ["carnet.service"])
def test_systemd_unit_runs_carnet_as_an_unprivileged_service(unit: str):
    text = (DEPLOY / unit).read_text()
    assert re.search(r"^ExecStart=\S+/carnet run$", text, re.M)
    for hardening in ("DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict"):
        assert hardening in text
    assert "KillSignal=SIGTERM" in text


def test_dockerfile_is_slim_non_root_with_french_ocr_and_a_healthcheck():
    text = (DEPLOY / "Dockerfile").read_text()
    assert "python:3.11-slim" in text
    assert "tesseract-ocr-fra" in text and "tesseract-ocr-eng" in text
    assert re.search(r"^USER (?!root)\w+", text, re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
