"""Issue 14, fetch: what a hostile or broken server can do to a fetch, against real loopback
servers (tests/fake_apis.py): cached rejections, endless bodies and gzip bombs, dripping
servers, redirects that carry the S2 key elsewhere or point at files, control characters."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import httpx
import pytest
from click.testing import Result
from fake_apis import FakeApis, Fault, arxiv_feed, fetch_config, hf_daily, serving

from conftest import ROOT, run
from paperkg.errors import FetchError, PaperkgError
from paperkg.loaders import (
    FetchConfig,
    arxiv_jsonl,
    fetch_arxiv,
    fetch_hf_daily,
    fetch_openalex,
    fetch_s2,
    http,
    load_sources,
)
from paperkg.loaders.semantic_scholar import S2_FIELDS

DAY = date(2024, 1, 3)
HF_PATH = "/api/daily_papers"
ARXIV_PATH = "/api/query"
S2_PATH = "/graph/v1/paper/batch"
OPENALEX_PATH = "/works"
MiB = 2**20


@pytest.fixture
def api() -> Iterator[FakeApis]:
    with serving(60) as server:
        yield server


@pytest.fixture
def other() -> Iterator[FakeApis]:
    """A second server: another port, so another origin."""
    with serving(60) as server:
        yield server


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as http:
        yield http


@pytest.fixture
def config(api: FakeApis, tmp_path: Path) -> FetchConfig:
    return fetch_config(api, tmp_path / "cache", max_retries=0, timeout=5.0)


def cached(config: FetchConfig) -> list[Path]:
    assert config.cache_dir is not None
    return sorted(config.cache_dir.glob("*")) if config.cache_dir.exists() else []


def records(path: Path) -> int:
    return load_sources([path]).files[0].records


def moved(location: str, status: str = "307") -> Fault:
    return Fault(status, retry_after=None, body="", headers={"Location": location})


# --- item 15: an answer the command rejects is never cached ----------------------------------

Fetch = Callable[[FetchConfig, httpx.Client, Path], Path]

EMPTY: dict[str, tuple[str, Fault, Fetch]] = {
    "hf-daily": (
        HF_PATH,
        Fault("200", retry_after=None, body="[]"),
        lambda c, http, out: fetch_hf_daily(DAY, out, c, http),
    ),
    "arxiv": (
        ARXIV_PATH,
        Fault("200", retry_after=None, body=arxiv_feed([]), content_type="application/atom+xml"),
        lambda c, http, out: fetch_arxiv(["2401.01234"], out, c, http),
    ),
    "s2": (
        S2_PATH,
        Fault("200", retry_after=None, body="[null]"),
        lambda c, http, out: fetch_s2(["2401.01234"], out, c, http),
    ),
    "openalex": (
        OPENALEX_PATH,
        Fault("200", retry_after=None, body='{"meta": {"count": 0}, "results": []}'),
        lambda c, http, out: fetch_openalex(["W2000001"], out, c, http),
    ),
}


@pytest.mark.parametrize("source", EMPTY)
def test_an_empty_answer_is_not_cached_and_the_next_run_asks_again(
    source, api, config, client, tmp_path
):
    """Fetching a day before it is published must not pin 'no papers' in the cache."""
    path, empty, fetch = EMPTY[source]
    api.script(path, empty)
    out = tmp_path / "out"
    with pytest.raises(PaperkgError, match=r"listed no papers|knows none of"):
        fetch(config, client, out)
    assert not out.exists()
    assert cached(config) == []
    saved = fetch(config, client, out)  # published now: the server is asked and answers
    assert records(saved) >= 1
    assert len(api.requests(path)) == 2
    assert len(cached(config)) == 1  # the accepted answer is cached
    fetch(config, client, out)
    assert len(api.requests(path)) == 2  # and answers the next run


def test_a_cached_answer_the_command_rejects_is_asked_again(
    api, config, client, tmp_path, monkeypatch
):
    """An empty chunk is cached when its command succeeds with other chunks; a later command
    made of that chunk alone must not trust it (nor an empty answer an older paperkg cached)."""
    monkeypatch.setattr(arxiv_jsonl, "ARXIV_BATCH", 1)  # force one request per id
    fetch_arxiv(["2401.01234", "2401.09999"], tmp_path, config, client)
    assert len(api.requests(ARXIV_PATH)) == 2 and len(cached(config)) == 2
    with pytest.raises(PaperkgError, match=r"knows none of the 1 ids"):
        fetch_arxiv(["2401.09999"], tmp_path, config, client)
    assert len(api.requests(ARXIV_PATH)) == 3  # asked again rather than replaying the cache


# --- item 8: bodies are capped while they stream; nothing of a failed fetch is cached --------

_MEASURE = """
import json, sys
from datetime import date
from pathlib import Path
import httpx
from paperkg.errors import FetchError, PaperkgError
from paperkg.loaders import FetchConfig, fetch_hf_daily

def peak():
    # VmHWM, not getrusage: Linux carries ru_maxrss over exec from the forking (big) pytest.
    return int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) * 1024

base, cache, out = sys.argv[1:4]
config = FetchConfig(hf_base=base, min_interval=0, host_intervals={}, max_retries=0,
                     timeout=120, cache_dir=Path(cache))
with httpx.Client() as client:
    client.get(base + "/warm-up")  # the client's own allocations happen before we measure
    before = peak()
    try:
        fetch_hf_daily(date(2024, 1, 3), out, config, client)
        error = None
    except PaperkgError as exc:
        error = str(exc)
print(json.dumps({"error": error, "grew": peak() - before}))
"""


@pytest.mark.parametrize(
    "fault",
    [
        Fault("huge", size=400 * MiB),  # 400 MB of JSON, no Content-Length
        Fault("bomb", size=2**30),  # about 1 MB of gzip that decodes to 1 GiB
    ],
    ids=["400-MB-body", "gzip-bomb"],
)
def test_a_huge_body_stops_at_the_cap_in_bounded_memory(fault, api, tmp_path):
    api.script(HF_PATH, fault)
    cache, out = tmp_path / "cache", tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, api.base, str(cache), str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    measured = json.loads(done.stdout)
    error = measured["error"]
    assert error is not None, "the fetch succeeded"
    assert "larger than 64 MiB" in error and "max_bytes" in error and "\n" not in error
    # What was read before the cap stopped it: about one cap (before: 924 MiB for the plain
    # body, 2 GiB for the bomb).
    assert measured["grew"] < 2 * 64 * MiB, f"grew {measured['grew'] / MiB:.0f} MiB"
    assert not cache.exists() or not any(cache.iterdir())
    assert not out.exists()


def test_a_declared_length_over_the_cap_is_refused_before_reading(api, config, client, tmp_path):
    body = json.dumps(hf_daily("2024-01-03"))
    small = replace(config, max_bytes=len(body))
    api.script(HF_PATH, Fault("200", retry_after=None, body=body + " "))
    with pytest.raises(
        PaperkgError, match=rf"larger than {len(body)} bytes \(max_bytes; --max-size"
    ):
        fetch_hf_daily(DAY, tmp_path / "out", small, client)
    assert cached(small) == []
    saved = fetch_hf_daily(DAY, tmp_path / "out", small, client)  # exactly the cap: fine
    assert records(saved) == 2


def test_a_streamed_body_over_a_small_cap_fails(api, config, client, tmp_path):
    small = replace(config, max_bytes=256 * 1024)
    api.script(S2_PATH, Fault("huge", size=10 * MiB))
    with pytest.raises(PaperkgError, match=r"larger than 256 KiB"):
        fetch_s2(["2401.01234"], tmp_path / "out", small, client)
    assert cached(small) == []


@pytest.mark.parametrize(
    "encoding,pack",
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("gzip", lambda data: gzip.compress(data[:10]) + gzip.compress(data[10:])),
        ("deflate", zlib.compress),  # the zlib wrapper, as the RFC says
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some send
        ("identity", lambda data: data),
    ],
    ids=["gzip", "x-gzip", "gzip-two-members", "deflate-zlib", "deflate-raw", "identity"],
)
def test_compressed_answers_are_decoded(encoding, pack, api, config, client, tmp_path):
    body = json.dumps(hf_daily("2024-01-03")).encode()
    api.script(
        HF_PATH,
        Fault("200", retry_after=None, body=pack(body), headers={"Content-Encoding": encoding}),
    )
    saved = fetch_hf_daily(DAY, tmp_path / "out", config, client)
    assert saved.read_bytes() == body
    assert [p.read_bytes() for p in cached(config)] == [body]


def test_an_unknown_or_damaged_encoding_is_one_line(api, config, client, tmp_path):
    api.script(
        HF_PATH,
        Fault("200", retry_after=None, body=b"\x00\x01", headers={"Content-Encoding": "br"}),
        Fault("200", retry_after=None, body=b"not gzip", headers={"Content-Encoding": "gzip"}),
    )
    with pytest.raises(PaperkgError, match=r"unsupported Content-Encoding 'br'"):
        fetch_hf_daily(DAY, tmp_path / "out", config, client)
    with pytest.raises(PaperkgError, match=r"damaged gzip body"):
        fetch_hf_daily(DAY, tmp_path / "out", config, client)
    assert cached(config) == []


# --- item 9: --timeout bounds the whole request, not each read -------------------------------


def test_a_dripping_server_hits_the_overall_deadline(api, config, client, tmp_path):
    """One byte every 0.1 s never trips a 1 s read timeout; the 200-byte body takes 20 s."""
    api.script(HF_PATH, Fault("drip", size=200, interval=0.1))
    strict = replace(config, timeout=1.0)
    started = time.monotonic()
    with pytest.raises(PaperkgError, match=r"after 1 attempt \(last: timed out after 1 s\)"):
        fetch_hf_daily(DAY, tmp_path / "out", strict, client)
    assert time.monotonic() - started < 10  # a hang guard, not a timing
    assert cached(strict) == []


def test_dripping_headers_hit_the_overall_deadline(api, config, client, tmp_path):
    """The headers are read before any body: 200 header bytes at 0.1 s also took 20 s."""
    api.script(HF_PATH, Fault("drip-headers", size=200, interval=0.1))
    strict = replace(config, timeout=1.0)
    started = time.monotonic()
    with pytest.raises(PaperkgError, match=r"after 1 attempt \(last: timed out after 1 s\)"):
        fetch_hf_daily(DAY, tmp_path / "out", strict, client)
    assert time.monotonic() - started < 10  # a hang guard, not a timing


def test_a_drip_is_retried_like_any_timeout(api, config, client, tmp_path):
    api.script(HF_PATH, Fault("drip", size=200, interval=0.1))
    retried = replace(config, timeout=0.5, max_retries=1)
    saved = fetch_hf_daily(DAY, tmp_path / "out", retried, client)
    assert records(saved) == 2
    assert len(api.requests(HF_PATH)) == 2


# --- item 4: the S2 key goes only to the origin it was configured for ------------------------


def test_the_s2_key_is_not_sent_across_a_redirect_to_another_origin(
    api, other, config, client, tmp_path
):
    keyed = replace(config, s2_api_key="secret-key-123")
    query = "fields=" + ",".join(S2_FIELDS)
    api.script(S2_PATH, moved(f"{other.base}{S2_PATH}?{query}"))
    saved = fetch_s2(["2401.01234"], tmp_path, keyed, client)
    assert records(saved) == 1
    (first,) = api.requests(S2_PATH)
    (second,) = other.requests(S2_PATH)
    assert first.headers["x-api-key"] == "secret-key-123"
    assert "x-api-key" not in second.headers
    assert second.method == "POST" and second.json() == {"ids": ["arXiv:2401.01234"]}


def test_the_s2_key_is_kept_on_a_same_origin_redirect(api, config, client, tmp_path):
    keyed = replace(config, s2_api_key="secret-key-123")
    query = "fields=" + ",".join(S2_FIELDS)
    api.script(
        S2_PATH,
        moved(f"{S2_PATH}?{query}", "308"),  # relative
        moved(f"{api.base}{S2_PATH}?{query}"),  # absolute
    )
    fetch_s2(["2401.01234"], tmp_path, keyed, client)
    sent = api.requests(S2_PATH)
    assert len(sent) == 3
    assert [r.headers.get("x-api-key") for r in sent] == ["secret-key-123"] * 3


def test_the_s2_key_is_not_sent_back_after_leaving_its_origin(api, other, config, client, tmp_path):
    """Out to another origin and back again: the key returns only with the origin."""
    keyed = replace(config, s2_api_key="secret-key-123")
    query = "fields=" + ",".join(S2_FIELDS)
    api.script(S2_PATH, moved(f"{other.base}{S2_PATH}?{query}"))
    other.script(S2_PATH, moved(f"{api.base}{S2_PATH}?{query}"))
    fetch_s2(["2401.01234"], tmp_path, keyed, client)
    assert [r.headers.get("x-api-key") for r in api.requests(S2_PATH)] == ["secret-key-123"] * 2
    assert "x-api-key" not in other.requests(S2_PATH)[0].headers


def test_a_303_turns_a_post_into_a_get_without_its_body(api, other, config, client, tmp_path):
    api.script(S2_PATH, moved(f"{other.base}{OPENALEX_PATH}?filter=openalex:W2000001", "303"))
    with pytest.raises(PaperkgError, match=r"unexpected body"):
        fetch_s2(["2401.01234"], tmp_path, config, client)
    (seen,) = other.requests(OPENALEX_PATH)
    assert seen.method == "GET" and seen.body == b""
    assert "content-type" not in seen.headers


def test_a_redirect_loop_stops(api, config, client, tmp_path):
    api.script(HF_PATH, *[moved(f"{HF_PATH}?date=2024-01-03", "302")] * 30)
    with pytest.raises(PaperkgError, match=r"redirected more than 10 times"):
        fetch_hf_daily(DAY, tmp_path / "out", config, client)
    assert len(api.requests(HF_PATH)) == 11


# --- item 20 (part): a redirect to a non-web URL ----------------------------------------------


def test_a_redirect_to_a_file_url_is_named_and_not_followed(api, config, client, tmp_path):
    api.script(HF_PATH, moved("file:///etc/passwd", "302"))
    with pytest.raises(PaperkgError) as caught:
        fetch_hf_daily(DAY, tmp_path / "out", config, client)
    message = str(caught.value)
    assert "redirected to a non-web URL (file:///etc/passwd), not followed" in message
    assert "base URL needs" not in message and "\n" not in message


def test_a_long_non_web_redirect_is_shortened(api, config, client, tmp_path):
    api.script(HF_PATH, moved("gopher://example.invalid/" + "a" * 5000, "301"))
    with pytest.raises(PaperkgError, match=r"non-web URL \(gopher://example\.invalid/a+…\)"):
        fetch_hf_daily(DAY, tmp_path / "out", config, client)


def test_a_bad_base_url_still_says_so(config, client, tmp_path):
    wrong = replace(config, hf_base="ftp://example.invalid")
    with pytest.raises(PaperkgError, match=r"the base URL needs http\(s\)://"):
        fetch_hf_daily(DAY, tmp_path / "out", wrong, client)


# --- server text in messages: no terminal control characters ---------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        Fault(
            "400",
            retry_after=None,
            body=json.dumps({"error": "bad \x1b[31mred\x1b[0m\x07 day\u202e\x9b2J"}),
        ),
        Fault("400", retry_after=None, body="bad \x1b]0;title\x07red day", content_type="text/x"),
    ],
    ids=["json-error", "text-error"],
)
def test_server_text_reaches_messages_without_control_characters(
    fault, api, config, client, tmp_path
):
    api.script(HF_PATH, fault)
    with pytest.raises(PaperkgError) as caught:
        fetch_hf_daily(DAY, tmp_path / "out", config, client)
    message = str(caught.value)
    assert "HTTP 400" in message and "bad" in message and "red" in message
    assert not any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in message), repr(message)
    assert "\u202e" not in message


def test_deeply_nested_json_is_one_line(api, config, client, tmp_path):
    """A success body of 100,000 '[' made json.loads raise RecursionError: a traceback."""
    api.script(HF_PATH, Fault("200", retry_after=None, body="[" * 100_000))
    with pytest.raises(PaperkgError, match=r"unexpected body \(JSON nested too deeply\)"):
        fetch_hf_daily(DAY, tmp_path / "out", config, client)
    api.script(HF_PATH, Fault("400", retry_after=None, body="[" * 100_000))
    with pytest.raises(PaperkgError, match=r"HTTP 400 Bad Request \(\[\[\[+…\)"):
        fetch_hf_daily(DAY, tmp_path / "out", config, client)


# --- review 6: the S2 key never reaches a message ---------------------------------------------

KEY = "sekrit-KEY-7f3a"


def no_key_in(text: str) -> bool:
    """Whether ``text`` shows no part of KEY (a shortened message could cut it anywhere)."""
    return "sekrit" not in text and "7f3a" not in text


def chain_text(exc: BaseException) -> str:
    """The text of ``exc`` and of the exceptions a traceback of it would show (those it was
    raised from or during, unless ``from None`` suppressed them)."""
    texts: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(texts) < 20:
        texts.append(repr(current))
        shown = current.__context__ if not current.__suppress_context__ else None
        current = current.__cause__ or shown
    return "\n".join(texts)


def fetch_s2_cli(tmp_path: Path, *extra: object) -> Result:
    """``paperkg fetch s2`` of one id, without retries, as a user runs it."""
    return run(
        "fetch", "s2", "--ids", "2401.01234", "--into", tmp_path / "out", "--retries", 0, *extra
    )


@pytest.mark.parametrize(
    "key",
    ["sekrit\nKEY-7f3a", "sekrit\r\nKEY-7f3a", "sekrit\x00KEY-7f3a", "sekrit-KÉY-7f3a"],
    ids=["inner-lf", "inner-crlf", "inner-nul", "non-ascii"],
)
def test_a_key_a_header_cannot_carry_is_refused_without_echoing_it(
    key, api, config, client, tmp_path
):
    """h11 refused the header with LocalProtocolError quoting the key, which was retried as a
    'connection failed' and shown; a non-ASCII key was a UnicodeEncodeError traceback."""
    with pytest.raises(PaperkgError) as caught:
        fetch_s2(["2401.01234"], tmp_path, replace(config, s2_api_key=key), client)
    message = str(caught.value)
    assert "S2_API_KEY holds characters an HTTP header cannot carry" in message, message
    assert no_key_in(chain_text(caught.value)), chain_text(caught.value)
    assert api.requests() == []


@pytest.mark.parametrize("key", [f"{KEY}\r", f"{KEY}\r\n", f"{KEY}\n", f"\t{KEY} "])
def test_blanks_around_a_key_are_stripped_where_the_config_is_made(
    key, api, config, client, tmp_path
):
    """A key read from a file ends with a line break: h11 refused it, quoting it."""
    fetch_s2(["2401.01234"], tmp_path, replace(config, s2_api_key=key), client)
    (sent,) = api.requests(S2_PATH)
    assert sent.headers["x-api-key"] == KEY


def test_the_config_shows_no_key_in_its_repr(config):
    assert no_key_in(repr(replace(config, s2_api_key=KEY)))


@pytest.mark.parametrize("email", ["reader@exämple.org", "reader@example.org\nX-Evil: 1"])
def test_a_contact_email_a_header_cannot_carry_is_one_line(email, config, client, tmp_path):
    """The email goes into the User-Agent: a non-ASCII one was a UnicodeEncodeError
    traceback, one with a line break a retried 'connection failed'."""
    with pytest.raises(PaperkgError, match=r"^PAPERKG_MAILTO holds characters an HTTP header"):
        fetch_hf_daily(DAY, tmp_path / "out", replace(config, email=email), client)


def test_a_crlf_key_from_the_environment_is_stripped(api, monkeypatch, tmp_path):
    """A .env file saved with CRLF line ends leaves '\\r' at the end of every value."""
    monkeypatch.setenv("PAPERKG_S2_BASE", api.base)
    monkeypatch.setenv("S2_API_KEY", f" {KEY}\r\n")
    monkeypatch.setenv("PAPERKG_MAILTO", "reader@example.org\r")
    result = fetch_s2_cli(tmp_path)
    assert result.exit_code == 0, result.output
    (sent,) = api.requests(S2_PATH)
    assert sent.headers["x-api-key"] == KEY
    assert sent.headers["user-agent"].endswith("mailto:reader@example.org)")
    assert no_key_in(result.output)


@pytest.mark.parametrize(
    "key", ["sekrit\nKEY-7f3a", "sekrit-KÉY-7f3a"], ids=["inner-lf", "non-ascii"]
)
def test_the_cli_refuses_a_bad_key_in_one_line_without_it(key, api, monkeypatch, tmp_path):
    monkeypatch.setenv("PAPERKG_S2_BASE", api.base)
    monkeypatch.setenv("S2_API_KEY", key)
    result = fetch_s2_cli(tmp_path)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: S2_API_KEY holds characters an HTTP header")
    assert len(result.stderr.strip().splitlines()) == 1
    assert no_key_in(result.output) and no_key_in(result.stdout) and no_key_in(result.stderr)
    assert api.requests() == [] and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "fault",
    [
        Fault("403", retry_after=None, body=json.dumps({"message": f"key {KEY} is not valid"})),
        Fault("403", retry_after=None, body=json.dumps({"message": "x" * 190 + KEY})),
        Fault("400", retry_after=None, body=f"no such key: {KEY}", content_type="text/plain"),
        moved(f"gopher://example.invalid/{KEY}", "302"),
    ],
    ids=["json-error", "cut-at-the-key", "text-error", "redirect"],
)
def test_a_server_echoing_the_key_does_not_put_it_in_the_message(
    fault, api, config, client, tmp_path
):
    """A server may quote the key back ('invalid key ...'); that text reached the message,
    whole or cut in the middle of the key by the 200-character limit."""
    api.script(S2_PATH, fault)
    with pytest.raises(PaperkgError) as caught:
        fetch_s2(["2401.01234"], tmp_path, replace(config, s2_api_key=KEY), client)
    message = str(caught.value)
    assert no_key_in(chain_text(caught.value)), chain_text(caught.value)
    assert "HTTP 40" in message or "non-web URL" in message


@pytest.mark.parametrize("chained", [True, False])
def test_an_error_raised_while_a_key_is_in_use_never_carries_it(chained):
    """The net under every message of a fetch: an error text quoting the key (an exception
    of a library, a message built without ``_one_line``) is masked, its chain dropped."""
    with pytest.raises(PaperkgError) as caught, http._hiding(KEY):
        try:
            raise ValueError(f"refused {KEY}")
        except ValueError as exc:
            if chained:
                raise FetchError("could not send the request") from exc
            raise FetchError(f"could not send the request ({exc})") from None
    assert no_key_in(chain_text(caught.value)), chain_text(caught.value)
    assert str(caught.value).startswith("could not send the request")


def test_a_header_h11_refuses_fails_at_once_and_is_not_quoted(api, config, tmp_path):
    """A header of the caller's own client that HTTP cannot carry: h11's LocalProtocolError
    quotes the value (it may be a credential). It is no connection failure to retry."""
    keyed = replace(config, max_retries=3, backoff_base=1.0, max_sleep=1.0)
    with httpx.Client(headers={"Authorization": f"Bearer {KEY}\r"}) as http:
        started = time.monotonic()
        with pytest.raises(PaperkgError) as caught:
            fetch_hf_daily(DAY, tmp_path / "out", keyed, http)
    message = str(caught.value)
    assert no_key_in(chain_text(caught.value)), chain_text(caught.value)
    assert "still failing" not in message and "cannot carry" in message
    assert time.monotonic() - started < 1.0  # not retried (three retries sleep 3 s)


# --- review 7: a body that ends when the connection closes cannot hide a timeout -------------


def test_a_close_delimited_drip_past_the_deadline_is_a_timeout(api, config, client, tmp_path):
    """No Content-Length: the watchdog's shutdown read as the end of the body, and the bytes
    that had come were parsed as the answer ('unexpected body')."""
    api.script(HF_PATH, Fault("drip-close", size=200, interval=0.1))
    strict = replace(config, timeout=0.5)
    with pytest.raises(PaperkgError, match=r"after 1 attempt \(last: timed out after 0.5 s\)"):
        fetch_hf_daily(DAY, tmp_path / "out", strict, client)
    assert not (tmp_path / "out").exists() and cached(strict) == []


def test_a_close_delimited_drip_is_retried_like_any_timeout(api, config, client, tmp_path):
    api.script(HF_PATH, Fault("drip-close", size=200, interval=0.1))
    retried = replace(config, timeout=0.5, max_retries=1)
    saved = fetch_hf_daily(DAY, tmp_path / "out", retried, client)
    assert records(saved) == 2
    assert len(api.requests(HF_PATH)) == 2
