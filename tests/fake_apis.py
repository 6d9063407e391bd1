"""A loopback stand-in for the Hugging Face, arXiv, Semantic Scholar and OpenAlex APIs.

A threaded ``http.server`` on 127.0.0.1 (port 0) serves invented fixture papers, records every
request, and can be scripted per path to misbehave for the first calls: answer any status with
any body and headers (429 with a ``Retry-After``, 500, a redirect, an empty 200), hang longer
than the client's timeout, drip a body one byte at a time, or stream a huge or gzip-bomb body
generated on the fly. It stops itself after ``max_lifetime`` seconds even if a test forgets to.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from paperkg.loaders import FetchConfig

__all__ = ["FakeApis", "Fault", "Recorded"]

#: Invented words the fixture titles and abstracts are made of.
_TOPICS = ("lattice sorting", "quiet gradients", "folded attention", "sparse gardens")


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it; header names are lower case."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> object:
        return json.loads(self.body)


@dataclass(frozen=True)
class Fault:
    """How to answer one scripted call.

    ``kind`` is a status code ("429", "500", "302", "200", ...) answered with ``body`` (a
    scripted error message by default), ``content_type``, ``headers`` and ``Retry-After``;
    "hang" waits ``hang_seconds`` then answers ``[]``; "drip" sends a 200 whose ``size``-byte
    JSON body comes one byte every ``interval`` seconds; "drip-close" does the same without a
    Content-Length, so only the closing of the connection ends the body (HTTP/1.0 style);
    "drip-headers" sends its status line, then one header a byte every ``interval`` seconds
    (``size`` bytes), then ``[]``; "huge" streams a ``size``-byte JSON body with no
    Content-Length; "bomb" streams ``size`` bytes gzip-compressed (``Content-Encoding:
    gzip``), compressed as it is sent so only what is read is made.
    """

    kind: str
    retry_after: str | None = "0"
    hang_seconds: float = 2.0
    body: bytes | str | None = None
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)
    size: int = 0
    interval: float = 0.1


@dataclass
class _State:
    requests: list[Recorded] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    fixed: dict[str, tuple[int, str]] = field(default_factory=dict)
    s2_papers: dict[str, dict] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


def json_padding(size: int, block: int = 1 << 16) -> Iterator[bytes]:
    """``size`` bytes of a valid, empty JSON list (``[``, blanks, ``]``), ``block`` at a time."""
    yield b"["
    left = max(size - 2, 0)
    blank = b" " * block
    while left > 0:
        yield blank[: min(block, left)]
        left -= min(block, left)
    yield b"]"


def _gzip_stream(pieces: Iterator[bytes]) -> Iterator[bytes]:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    for piece in pieces:
        packed = packer.compress(piece)
        if packed:
            yield packed
    yield packer.flush()


def _paper_text(key: str) -> tuple[str, str]:
    topic = _TOPICS[sum(map(ord, key)) % len(_TOPICS)]
    title = f"On {topic} for record {key}"
    abstract = (
        f"We describe {topic} as a toy method invented for testing record {key}. "
        "It has no results worth citing and exists only in this fixture."
    )
    return title, abstract


def hf_daily(day: str) -> list[dict]:
    """Two invented entries for any day but 2000-01-01, which has none."""
    if day == "2000-01-01":
        return []
    entries = []
    for n in (1, 2):
        arxiv_id = f"2601.{n}{date.fromisoformat(day).day:02d}00"
        title, abstract = _paper_text(arxiv_id)
        entries.append(
            {
                "paper": {
                    "id": arxiv_id,
                    "title": title,
                    "summary": abstract,
                    "authors": [{"name": "Ima Fixture"}, {"name": "Otto Stub"}],
                    "publishedAt": f"{day}T08:00:00.000Z",
                    "ai_keywords": ["toy method"],
                },
                "publishedAt": f"{day}T09:00:00.000Z",
                "title": title,
                "numComments": n,
            }
        )
    return entries


def arxiv_feed(ids: list[str]) -> str:
    """An Atom feed with one entry per id; ids ending in 9999 are unknown (left out)."""
    entries = []
    for raw in ids:
        if raw.endswith("9999"):
            continue
        match = re.fullmatch(r"(.+?)(v\d+)?", raw)
        assert match is not None
        base, version = match.group(1), match.group(2) or "v2"
        title, abstract = _paper_text(base)
        entries.append(
            f"""  <entry>
    <id>http://arxiv.org/abs/{escape(base)}{version}</id>
    <updated>2024-02-05T12:30:00Z</updated>
    <published>2024-01-02T10:00:00Z</published>
    <title>{escape(title)}</title>
    <summary>  {escape(abstract)}
  </summary>
    <author><name>Ima Fixture</name></author>
    <author><name>Otto Stub</name></author>
    <arxiv:doi>10.5555/fixture.{escape(base)}</arxiv:doi>
    <arxiv:comment>4 pages, invented</arxiv:comment>
    <arxiv:primary_category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="stat.ML" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
"""
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
        "  <title>arXiv Query: fixture</title>\n" + "".join(entries) + "</feed>\n"
    )


def s2_paper(key: str, fields: list[str]) -> dict | None:
    """A paper for ``arXiv:…``/``DOI:…`` ids; ids containing 9999 are unknown (null)."""
    if "9999" in key:
        return None
    kind, _, value = key.partition(":")
    title, abstract = _paper_text(value)
    paper: dict = {
        "paperId": hashlib.sha1(key.encode()).hexdigest(),
        "externalIds": {"ArXiv": value} if kind.lower() == "arxiv" else {"DOI": value},
        "title": title,
        "abstract": abstract,
        "year": 2024,
        "publicationDate": "2024-01-02",
        "authors": [{"authorId": "1", "name": "Ima Fixture"}],
    }
    if "references.paperId" in fields:
        paper["references"] = [
            {"paperId": "a" * 40, "externalIds": {"ArXiv": "2301.00001"}, "title": "Cited one"}
        ]
        paper["citations"] = [
            {"paperId": "b" * 40, "externalIds": {"DOI": "10.5555/citer"}, "title": "Citer one"}
        ]
    return paper


def served_s2(state: _State, key: str, fields: list[str]) -> dict | None:
    """A paper given to :meth:`FakeApis.serve_s2` (links left out unless asked), else
    :func:`s2_paper`'s invented one."""
    with state.lock:
        served = state.s2_papers.get(key.lower())
    if served is None:
        return s2_paper(key, fields)
    if "references.paperId" in fields:
        return served
    return {k: v for k, v in served.items() if k not in ("references", "citations")}


def openalex_work(kind: str, value: str) -> dict | None:
    if "9999" in value:
        return None
    number = (
        value[1:]
        if kind == "openalex"
        else str(int(hashlib.sha1(value.encode()).hexdigest(), 16) % 10**9)
    )
    title, abstract = _paper_text(value)
    index: dict[str, list[int]] = {}
    for position, word in enumerate(abstract.split()):
        index.setdefault(word, []).append(position)
    return {
        "id": f"https://openalex.org/W{number}",
        "doi": f"https://doi.org/{value}" if kind == "doi" else None,
        "display_name": title,
        "title": title,
        "publication_date": "2024-01-02",
        "ids": {"openalex": f"https://openalex.org/W{number}"},
        "authorships": [{"author": {"display_name": "Ima Fixture"}}],
        "abstract_inverted_index": index,
        "referenced_works": ["https://openalex.org/W1000001"],
    }


class FakeApis:
    """Start with ``start()``, stop with ``stop()``; ``base`` is ``http://127.0.0.1:PORT``."""

    def __init__(self, max_lifetime: float = 60.0) -> None:
        self.state = _State()
        self.max_lifetime = max_lifetime
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._watchdog: threading.Timer | None = None

    # ------------------------------------------------------------------ control

    @property
    def base(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeApis:
        handler = _handler(self.state)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._watchdog = threading.Timer(self.max_lifetime, self.stop)
        self._watchdog.daemon = True
        self._watchdog.start()
        return self

    def stop(self) -> None:
        self.state.stopping.set()  # ends any hanging handler at once
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._watchdog is not None and self._watchdog is not threading.current_thread():
            self._watchdog.cancel()

    def script(self, path: str, *faults: Fault | str) -> None:
        """Misbehave on the next calls to ``path``, one fault per call, then answer normally."""
        with self.state.lock:
            self.state.faults[path] = [f if isinstance(f, Fault) else Fault(f) for f in faults]

    def serve_s2(self, *papers: dict) -> None:
        """Answer the S2 batch endpoint with these papers (by paperId, ``arXiv:…`` or
        ``DOI:…``) instead of invented ones; ``references``/``citations`` only when asked."""
        with self.state.lock:
            for paper in papers:
                ids = paper.get("externalIds") or {}
                names = [paper["paperId"], f"arxiv:{ids.get('ArXiv')}", f"doi:{ids.get('DOI')}"]
                for name in names:
                    self.state.s2_papers[name.lower()] = paper

    def always(self, path: str, status: int, body: str = "") -> None:
        """Answer every call to ``path`` with ``status`` (and a JSON ``body``)."""
        with self.state.lock:
            self.state.fixed[path] = (status, body)

    def requests(self, path: str | None = None) -> list[Recorded]:
        with self.state.lock:
            return [r for r in self.state.requests if path is None or r.path == path]


def _handler(state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _reply(self, status: int, body: bytes, kind: str, extra: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _handle(self, method: str) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            query = parse_qs(split.query)
            with state.lock:
                state.requests.append(
                    Recorded(
                        method,
                        split.path,
                        query,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                        time.monotonic(),
                    )
                )
                pending = state.faults.get(split.path) or []
                fault = pending.pop(0) if pending else None
                fixed = state.fixed.get(split.path)
            try:
                if fault is not None:
                    self._fault(fault)
                elif fixed is not None:
                    self._reply(fixed[0], fixed[1].encode(), "application/json")
                else:
                    self._route(method, split.path, query, body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def _fault(self, fault: Fault) -> None:
            if fault.kind == "hang":
                state.stopping.wait(fault.hang_seconds)
                self._reply(200, b"[]", "application/json")
                return
            if fault.kind in ("drip", "drip-close", "huge", "bomb"):
                self._stream(fault)
                return
            if fault.kind == "drip-headers":
                self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nX-Drip: ")
                for _ in range(fault.size):
                    if state.stopping.wait(fault.interval):
                        return
                    self.wfile.write(b"a")
                self.wfile.write(b"\r\nContent-Length: 2\r\n\r\n[]")
                return
            status = int(fault.kind)
            extra = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            extra.update(fault.headers)
            payload = b'{"message": "scripted fault"}' if fault.body is None else fault.body
            payload = payload.encode() if isinstance(payload, str) else payload
            self._reply(status, payload, fault.content_type, extra)

        def _stream(self, fault: Fault) -> None:
            """Send a body as it is generated, until it ends, the client leaves or we stop."""
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if fault.kind == "drip":
                self.send_header("Content-Length", str(fault.size))
                pieces = json_padding(fault.size, block=1)
            elif fault.kind == "drip-close":
                pieces = json_padding(fault.size, block=1)
            elif fault.kind == "huge":
                pieces = json_padding(fault.size)
            else:
                self.send_header("Content-Encoding", "gzip")
                pieces = _gzip_stream(json_padding(fault.size))
            self.end_headers()
            for piece in pieces:
                if state.stopping.is_set():
                    return
                self.wfile.write(piece)
                if fault.kind in ("drip", "drip-close"):
                    state.stopping.wait(fault.interval)

        def _route(self, method: str, path: str, query: dict, body: bytes) -> None:
            routes: dict[str, Callable[[], tuple[str, str]]] = {
                "/api/daily_papers": lambda: (
                    json.dumps(hf_daily(query["date"][0])),
                    "application/json",
                ),
                "/api/query": lambda: (
                    arxiv_feed(query["id_list"][0].split(",")),
                    "application/atom+xml",
                ),
                "/graph/v1/paper/batch": lambda: (
                    json.dumps(
                        [
                            served_s2(state, i, query["fields"][0].split(","))
                            for i in json.loads(body)["ids"]
                        ]
                    ),
                    "application/json",
                ),
                "/works": lambda: (json.dumps(self._works(query)), "application/json"),
            }
            expected = "POST" if path == "/graph/v1/paper/batch" else "GET"
            if path not in routes or method != expected:
                self._reply(404, b'{"error": "no such route"}', "application/json")
                return
            text, kind = routes[path]()
            self._reply(200, text.encode(), kind)

        @staticmethod
        def _works(query: dict) -> dict:
            kind, _, values = query["filter"][0].partition(":")
            found = [openalex_work(kind, v) for v in values.split("|")]
            results = [w for w in found if w is not None]
            return {"meta": {"count": len(results)}, "results": results}

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

    return Handler


@contextmanager
def serving(max_lifetime: float = 60.0) -> Iterator[FakeApis]:
    """A running fake API server, stopped on exit."""
    server = FakeApis(max_lifetime=max_lifetime).start()
    try:
        yield server
    finally:
        server.stop()


def fetch_config(api: FakeApis, cache: Path, **settings: Any) -> FetchConfig:
    """Every API pointed at ``api``, with no pacing and short waits; ``settings`` override."""
    fast: dict[str, Any] = {
        "min_interval": 0.0,
        "host_intervals": {},
        "backoff_base": 0.01,
        "max_sleep": 0.05,
        "cache_dir": cache,
    }
    bases = {f"{name}_base": api.base for name in ("hf", "arxiv", "s2", "openalex")}
    return FetchConfig(**(bases | fast | settings))
