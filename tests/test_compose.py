"""docker-compose.yml, checked by parsing (no Docker engine runs here)."""

from __future__ import annotations

import yaml

from conftest import ROOT


def test_compose_runs_neo4j_5_lts_with_apoc_ports_volume_auth_and_healthcheck():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service = compose["services"]["neo4j"]
    assert service["image"].startswith("neo4j:5.26") and "community" in service["image"]
    assert {"7474:7474", "7687:7687"} <= set(service["ports"])
    env = service["environment"]
    assert env["NEO4J_AUTH"] == "${NEO4J_USER:-neo4j}/${NEO4J_PASSWORD:-paperkg-password}"
    assert "apoc" in yaml.safe_load(env["NEO4J_PLUGINS"])
    volume, mount = service["volumes"][0].split(":")
    assert mount == "/data" and volume in compose["volumes"]
    health = service["healthcheck"]
    assert "7474" in " ".join(health["test"]) and health["retries"] >= 3


def test_compose_says_how_to_push_export_and_style_browser():
    text = (ROOT / "docker-compose.yml").read_text()
    for line in (
        "paperkg push --out kg --neo4j bolt://localhost:7687",
        "paperkg query export ./paperkg-queries",
        "`:style`",
        "paperkg.grass",
        "NAME.params.cypher",
    ):
        assert line in text, line
    service = yaml.safe_load(text)["services"]["neo4j"]
    assert "7687:7687" in service["ports"]  # the port the documented push uses
