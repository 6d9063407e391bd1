"""The fetchers of paperkg.loaders against a real loopback HTTP server (tests/fake_apis.py),
never the internet."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from itertools import pairwise
from pathlib import Path

import httpx
import pytest
from fake_apis import FakeApis, Fault, fetch_config, hf_daily, serving

from paperkg import __version__
from paperkg.errors import PaperkgError
from paperkg.loaders import (
    FetchConfig,
    Pacer,
    WorkRef,
    fetch_arxiv,
    fetch_hf_daily,
    fetch_openalex,
    fetch_s2,
    load_sources,
)

DAY = date(2024, 1, 3)
HF_PATH = "/api/daily_papers"
ARXIV_PATH = "/api/query"
S2_PATH = "/graph/v1/paper/batch"
OPENALEX_PATH = "/works"


@pytest.fixture
def api() -> Iterator[FakeApis]:
    with serving(30) as server:
        yield server


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as http:
        yield http


@pytest.fixture
def config(api: FakeApis, tmp_path: Path) -> FetchConfig:
    return fetch_config(
        api, tmp_path / "cache", arxiv_base=api.base + "/", max_retries=3, timeout=0.3
    )


def loaded(path: Path) -> tuple[str, int]:
    result = load_sources([path])
    return result.files[0].format, result.files[0].records


# ------------------------------------------------------------------ each fetcher, then the loader


def test_hf_daily_saves_the_body_as_served(api, config, client, tmp_path):
    path = fetch_hf_daily(DAY, tmp_path / "out", config, client)
    assert path == tmp_path / "out" / "hf-daily-2024-01-03.json"
    assert loaded(path) == ("hf-daily", 2)
    (request,) = api.requests(HF_PATH)
    assert request.method == "GET" and request.query == {"date": ["2024-01-03"]}
    assert path.read_text() == json.dumps(hf_daily("2024-01-03"))  # byte for byte as served
    records = load_sources([path]).records
    assert records[0].authors == ("Ima Fixture", "Otto Stub")
    assert records[0].published == DAY


def test_hf_daily_with_no_papers_is_an_error(api, config, client, tmp_path):
    with pytest.raises(PaperkgError, match=r"date=2000-01-01 listed no papers.*--date"):
        fetch_hf_daily(date(2000, 1, 1), tmp_path / "out", config, client)
    assert not (tmp_path / "out").exists()


def test_arxiv_atom_becomes_snapshot_json_lines(api, config, client, tmp_path):
    ids = ["2401.01234", "arXiv:2401.05678v3", "https://arxiv.org/abs/hep-th/9901001", "2401.09999"]
    path = fetch_arxiv(ids, tmp_path, config, client)
    assert path.name.startswith("arxiv-") and path.suffix == ".jsonl"
    assert loaded(path) == ("arxiv-jsonl", 3)  # 2401.09999 is unknown to the fake
    (request,) = api.requests(ARXIV_PATH)
    assert request.query["id_list"] == ["2401.01234,2401.05678v3,hep-th/9901001,2401.09999"]
    assert request.query["max_results"] == ["4"]
    first, second, third = (json.loads(line) for line in path.read_text().splitlines())
    assert first["id"] == "2401.01234" and third["id"] == "hep-th/9901001"
    assert first["authors"] == "Ima Fixture, Otto Stub"
    assert first["categories"] == "cs.LG stat.ML"
    assert first["doi"] == "10.5555/fixture.2401.01234"
    assert first["update_date"] == "2024-02-05"
    assert first["versions"] == [
        {"version": "v1", "created": "Tue, 02 Jan 2024 10:00:00 GMT"},
        {"version": "v2", "created": "Mon, 05 Feb 2024 12:30:00 GMT"},
    ]
    assert second["versions"][-1]["version"] == "v3"
    record = load_sources([path]).records[0]
    assert (record.arxiv_id, record.published) == ("2401.01234", date(2024, 1, 2))
    assert record.abstract.startswith("We describe")


def test_arxiv_rejects_a_bad_id_before_any_request(api, config, client, tmp_path):
    with pytest.raises(PaperkgError, match=r"not an arXiv id: 'banana'"):
        fetch_arxiv(["2401.01234", "banana"], tmp_path, config, client)
    assert api.requests() == []


def test_s2_batch_with_references_and_api_key(api, config, client, tmp_path):
    keyed = replace(config, s2_api_key="test-key-123")
    ids = ["arXiv:2401.01234", "10.5555/abc", "2401.05678", "DOI:10.5555/9999"]
    path = fetch_s2(ids, tmp_path, keyed, client, with_references=True)
    assert path.name.startswith("s2-") and path.suffix == ".json"
    assert loaded(path) == ("semantic-scholar", 3)  # the null for the unknown DOI is dropped
    (request,) = api.requests(S2_PATH)
    assert request.method == "POST"
    assert request.headers["x-api-key"] == "test-key-123"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "ids": ["arXiv:2401.01234", "DOI:10.5555/abc", "arXiv:2401.05678", "DOI:10.5555/9999"]
    }
    fields = request.query["fields"][0].split(",")
    assert fields[:7] == [
        "paperId",
        "externalIds",
        "title",
        "abstract",
        "year",
        "publicationDate",
        "authors",
    ]
    assert "references.paperId" in fields and "citations.title" in fields
    record = load_sources([path]).records[0]
    assert record.references == (WorkRef(("s2:" + "a" * 40, "arxiv:2301.00001"), "Cited one"),)
    assert None not in json.loads(path.read_text())


def test_s2_without_key_sends_no_key_and_asks_fewer_fields(api, config, client, tmp_path):
    plain = fetch_s2(["2401.01234"], tmp_path, config, client)
    linked = fetch_s2(["2401.01234"], tmp_path, config, client, with_references=True)
    assert plain != linked  # different requests, different files
    first, _ = api.requests(S2_PATH)
    assert "x-api-key" not in first.headers
    assert "references" not in first.query["fields"][0]


def test_openalex_by_work_id_and_doi_with_mailto(api, config, client, tmp_path):
    polite = replace(config, email="someone@example.invalid")
    ids = ["W2000001", "https://openalex.org/W2000002", "https://doi.org/10.5555/XYZ"]
    path = fetch_openalex(ids, tmp_path, polite, client)
    assert path.name.startswith("openalex-")
    assert loaded(path) == ("openalex", 3)
    by_works, by_doi = api.requests(OPENALEX_PATH)
    assert by_works.query["filter"] == ["openalex:W2000001|W2000002"]
    assert by_doi.query["filter"] == ["doi:10.5555/xyz"]
    assert by_works.query["mailto"] == ["someone@example.invalid"]
    assert by_works.query["per-page"] == ["2"]
    assert "mailto:someone@example.invalid" in by_works.headers["user-agent"]
    records = load_sources([path]).records
    assert records[0].openalex_id == "w2000001"
    assert records[0].abstract.startswith("We describe")


def test_user_agent_is_polite(api, config, client, tmp_path):
    fetch_hf_daily(DAY, tmp_path, config, client)
    agent = api.requests()[0].headers["user-agent"]
    assert agent == f"paperkg/{__version__} (+https://example.invalid/paperkg)"
    assert "mailto" not in api.requests()[0].query


# ------------------------------------------------------------------ retries and failures


def test_429_then_success_is_retried(api, config, client, tmp_path):
    api.script(HF_PATH, "429")
    path = fetch_hf_daily(DAY, tmp_path, config, client)
    assert loaded(path) == ("hf-daily", 2)
    assert len(api.requests(HF_PATH)) == 2


def test_retry_after_is_honoured_but_capped(api, config, client, tmp_path):
    api.script(S2_PATH, Fault("429", retry_after="30"), Fault("503", retry_after="30"))
    started = time.monotonic()
    fetch_s2(["2401.01234"], tmp_path, config, client)
    assert time.monotonic() - started < 2  # capped by max_sleep, not 60 s
    assert len(api.requests(S2_PATH)) == 3


def test_500_twice_then_success(api, config, client, tmp_path):
    api.script(OPENALEX_PATH, "500", "500")
    path = fetch_openalex(["W2000001"], tmp_path, config, client)
    assert loaded(path) == ("openalex", 1)
    assert len(api.requests(OPENALEX_PATH)) == 3


def test_timeout_then_success(api, config, client, tmp_path):
    api.script(ARXIV_PATH, Fault("hang", hang_seconds=2.0))
    started = time.monotonic()
    path = fetch_arxiv(["2401.01234"], tmp_path, config, client)
    assert time.monotonic() - started < 1.5
    assert loaded(path) == ("arxiv-jsonl", 1)
    assert len(api.requests(ARXIV_PATH)) == 2


def test_permanent_404_fails_at_once_with_url_and_status(api, config, client, tmp_path):
    api.always(HF_PATH, 404, '{"error": "no daily page here"}')
    out = tmp_path / "out"
    with pytest.raises(PaperkgError) as caught:
        fetch_hf_daily(DAY, out, config, client)
    message = str(caught.value)
    assert "\n" not in message
    assert f"GET {api.base}/api/daily_papers?date=2024-01-03 failed: HTTP 404" in message
    assert "no daily page here" in message and "check the date" in message
    assert len(api.requests(HF_PATH)) == 1  # a 4xx is not retried
    assert not out.exists()
    assert not config.cache_dir.exists()


def test_s2_403_names_the_key_hint(api, config, client, tmp_path):
    api.always(S2_PATH, 403, '{"message": "Forbidden"}')
    with pytest.raises(PaperkgError, match=r"POST .*/graph/v1/paper/batch\?fields=.* HTTP 403"):
        fetch_s2(["2401.01234"], tmp_path, config, client)
    with pytest.raises(PaperkgError, match=r"S2_API_KEY"):
        fetch_s2(["2401.01234"], tmp_path, config, client)


def test_retries_exhausted_is_an_error_and_writes_nothing(api, config, client, tmp_path):
    api.always(S2_PATH, 503)
    out = tmp_path / "out"
    with pytest.raises(PaperkgError) as caught:
        fetch_s2(["2401.01234"], out, config, client)
    message = str(caught.value)
    assert "still failing after 4 attempts (last: HTTP 503" in message
    assert S2_PATH in message and "\n" not in message
    assert len(api.requests(S2_PATH)) == 4
    assert not out.exists()


def test_timeouts_exhausted_is_an_error(api, config, client, tmp_path):
    few = replace(config, max_retries=1, timeout=0.2)
    api.script(HF_PATH, Fault("hang", hang_seconds=2), Fault("hang", hang_seconds=2))
    with pytest.raises(PaperkgError, match=r"after 2 attempts \(last: timed out after 0.2 s\)"):
        fetch_hf_daily(DAY, tmp_path / "out", few, client)
    assert not (tmp_path / "out").exists()


def test_connection_refused_is_retried_then_an_error(config, client, tmp_path):
    with socket.socket() as sock:  # bind and close: a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = replace(config, hf_base=f"http://127.0.0.1:{port}", max_retries=1)
    with pytest.raises(PaperkgError, match=r"after 2 attempts \(last: connection failed"):
        fetch_hf_daily(DAY, tmp_path / "out", dead, client)


def test_unexpected_body_is_an_error(api, config, client, tmp_path):
    api.always(OPENALEX_PATH, 200, '{"not": "works"}')
    with pytest.raises(PaperkgError, match=r"unexpected body .*results"):
        fetch_openalex(["W2000001"], tmp_path / "out", config, client)
    assert not (tmp_path / "out").exists()
    assert not config.cache_dir.exists()  # a bad body is never cached


# ------------------------------------------------------------------ cache and pacing


def test_a_cached_response_makes_no_request(api, config, client, tmp_path):
    first = fetch_arxiv(["2401.01234", "2401.05678"], tmp_path / "a", config, client)
    assert len(api.requests()) == 1
    again = fetch_arxiv(["2401.01234", "2401.05678"], tmp_path / "b", config, client)
    assert len(api.requests()) == 1
    assert first.name == again.name
    assert first.read_bytes() == again.read_bytes()
    assert len(list(config.cache_dir.iterdir())) == 1
    fetch_arxiv(["2401.05678", "2401.01234"], tmp_path / "c", config, client)
    assert len(api.requests()) == 2  # another URL, another request


def test_without_a_cache_dir_every_fetch_asks(api, config, client, tmp_path):
    uncached = replace(config, cache_dir=None)
    fetch_openalex(["W2000001"], tmp_path, uncached, client)
    fetch_openalex(["W2000001"], tmp_path, uncached, client)
    assert len(api.requests()) == 2


class ReleaseTimes(Pacer):
    """A real pacer that also notes when it let each request go: the gaps are measured where
    they are made, not where a loaded machine's server happens to read them."""

    def __init__(self) -> None:
        super().__init__()
        self.released: list[float] = []

    def wait(self, host: str, interval: float) -> float:
        slept = super().wait(host, interval)
        self.released.append(self.last[host])
        return slept


def test_requests_to_one_host_are_paced(api, config, client, tmp_path):
    paced = replace(config, min_interval=0.15)
    pacer = ReleaseTimes()
    fetch_openalex(["W2000001", "10.5555/abc"], tmp_path, paced, client, pacer=pacer)
    fetch_hf_daily(DAY, tmp_path, paced, client, pacer=pacer)
    assert len(api.requests()) == 3 == len(pacer.released)
    assert all(b - a >= 0.15 for a, b in pairwise(pacer.released))


def test_no_temp_files_are_left(api, config, client, tmp_path):
    fetch_hf_daily(DAY, tmp_path, config, client)
    fetch_s2(["2401.01234"], tmp_path, config, client)
    names = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert len(names) == 2 and not any(n.startswith(".") for n in names)


def test_cli_fetch_then_build_reads_what_was_fetched(api, tmp_path):
    from click.testing import CliRunner

    from paperkg.cli import main

    env = {"PAPERKG_HF_BASE": api.base, "PAPERKG_OPENALEX_BASE": api.base}
    into = tmp_path / "fetched"
    result = CliRunner().invoke(
        main, ["fetch", "hf-daily", "--date", "2024-01-03", "--into", str(into)], env=env
    )
    assert result.exit_code == 0, result.output
    assert loaded(into / "hf-daily-2024-01-03.json") == ("hf-daily", 2)
    bad = CliRunner().invoke(main, ["fetch", "arxiv", "--ids", "not an id", "--into", str(into)])
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: ")
    assert len(bad.stderr.strip().splitlines()) == 1


def test_config_from_env_strips_each_variable_and_settings_win():
    env = {
        "PAPERKG_HF_BASE": " http://hf.test/ \r\n",  # a .env saved with CRLF line ends
        "PAPERKG_ARXIV_BASE": "   ",  # blank: the default stays
        "PAPERKG_S2_BASE": "http://s2.test",
        "PAPERKG_MAILTO": "reader@example.org\r",
        "S2_API_KEY": " a-key-of-some-length\n",
        "PAPERKG_OPENALEX_BASE": "http://openalex.test",
    }
    config = FetchConfig.from_env(env, timeout=5.0, openalex_base="http://mine.test")
    defaults = FetchConfig()
    assert config.hf_base == "http://hf.test/" and config.s2_base == "http://s2.test"
    assert config.arxiv_base == defaults.arxiv_base
    assert config.email == "reader@example.org" and config.s2_api_key == "a-key-of-some-length"
    assert config.openalex_base == "http://mine.test" and config.timeout == 5.0
    assert FetchConfig.from_env({}) == defaults


def test_config_from_env_reads_os_environ(monkeypatch):
    monkeypatch.setenv("PAPERKG_MAILTO", "someone@example.org")
    monkeypatch.delenv("S2_API_KEY", raising=False)
    config = FetchConfig.from_env(max_retries=0)
    assert config.email == "someone@example.org" and config.s2_api_key is None
    assert config.max_retries == 0


def test_the_loaders_read_sources_without_httpx(tmp_path: Path):
    """httpx is the optional 'fetch' extra: only fetching needs it, never reading a file."""
    feed = tmp_path / "hf-daily-2024-01-03.json"
    feed.write_text(json.dumps(hf_daily("2024-01-03")), encoding="utf-8")
    code = (
        "import sys; sys.modules['httpx'] = None\n"
        "from paperkg.loaders import load_sources\n"
        "print(len(load_sources([sys.argv[1]]).records))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(feed)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "2"
