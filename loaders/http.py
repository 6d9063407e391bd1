"""The HTTP side every fetcher shares: one polite, guarded request path and the file it saves.

Each source module of ``loaders/`` that has an API holds its fetcher (``fetch_hf_daily`` in
``hf_daily``, ``fetch_arxiv`` in ``arxiv_jsonl``, ``fetch_s2`` in ``semantic_scholar``,
``fetch_openalex`` in ``openalex``): what to ask and how to check the answer. Everything else
is here. Nothing is parsed into a graph: ``paperkg build`` reads the saved files like any
other source.

Every request of every fetcher goes through one :class:`Session`, which sends a polite
User-Agent, keeps a minimum interval between requests to the same host, retries 429, 5xx,
timeouts and connection errors with exponential backoff (honouring ``Retry-After``, capped by
``FetchConfig.max_sleep``), and fails with one actionable line. It guards against the server
too: redirects are followed by hand (at most ``MAX_REDIRECTS``, only to http(s) URLs, the S2
key only to the origin it was configured for); a body is decoded as it streams and dropped
past ``FetchConfig.max_bytes``; ``FetchConfig.timeout`` bounds each request as a whole, body
and redirects included. Repeats are answered from an on-disk cache keyed by sha256 of method,
URL and body, which holds only answers a command accepted: an empty day fetched too early is
asked for again next time. Output files are written atomically and named deterministically.

httpx (the optional ``fetch`` extra) is imported only when a fetch runs, so the loaders, and
``paperkg build``, work without it; :func:`make_client` says how to add it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import socket
import threading
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from paperkg import __version__, atomic
from paperkg.errors import FetchError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ENVIRONMENT",
    "MAX_BYTES",
    "MAX_REDIRECTS",
    "FetchConfig",
    "Pacer",
    "Rejected",
    "Session",
    "base_url",
    "chunks",
    "digest",
    "dump_json",
    "make_client",
    "need_ids",
    "one_line",
    "parse_json",
    "parse_json_list",
    "run_fetch",
    "unique",
]

PROJECT_URL = "https://example.invalid/paperkg"

_RETRYABLE = frozenset({429, 500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: Redirects followed per request (the APIs redirect once at most).
MAX_REDIRECTS = 10
#: Default cap on a decoded answer; the largest real one (500 S2 papers with references and
#: citations) is a few MiB.
MAX_BYTES = 64 * 2**20
_ERROR_TEXT_BYTES = 64 * 1024  # of an error body, enough for its message
_PIECE = 64 * 1024  # most bytes one step of gzip/deflate decoding may produce
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})  # control, format, unassigned...
#: What a header value can carry as is: visible ASCII words, spaces or tabs between them.
_HEADER_TEXT = re.compile(r"[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*")
_HIDDEN_MARK = "[key hidden]"
_HIDDEN_MIN = 8  # shorter "secrets" are no real key; masking them would garble every message
#: The secrets no message may show while a fetch runs (see ``_hiding``).
_HIDDEN: ContextVar[tuple[str, ...]] = ContextVar("paperkg_fetch_hidden", default=())
#: The environment variables :meth:`FetchConfig.from_env` reads, and the fields they set.
ENVIRONMENT = {
    "PAPERKG_HF_BASE": "hf_base",
    "PAPERKG_ARXIV_BASE": "arxiv_base",
    "PAPERKG_S2_BASE": "s2_base",
    "PAPERKG_OPENALEX_BASE": "openalex_base",
    "PAPERKG_MAILTO": "email",
    "S2_API_KEY": "s2_api_key",
}

T = TypeVar("T")


@dataclass(frozen=True)
class FetchConfig:
    """Everything a fetch needs to know; :meth:`from_env` adds what the environment says.

    ``min_interval`` is the least time in seconds between two requests to one host, raised per
    host by ``host_intervals`` (arXiv asks for 3 s). ``max_retries`` is how many times a
    request is repeated after the first try; the n-th retry waits ``backoff_base * 2**n``
    seconds, or what ``Retry-After`` says, never more than ``max_sleep``. ``timeout`` bounds
    each try as a whole: connecting, the headers and the whole body, redirects included.
    ``max_bytes`` caps a decoded answer; a larger one fails the fetch. ``s2_api_key``,
    ``email`` and ``user_agent`` go into headers: blanks around them are dropped, characters a
    header cannot carry refused; no message of a fetch, nor the repr, shows the key.
    """

    hf_base: str = "https://huggingface.co"
    arxiv_base: str = "https://export.arxiv.org"
    s2_base: str = "https://api.semanticscholar.org"
    openalex_base: str = "https://api.openalex.org"
    email: str | None = None
    s2_api_key: str | None = field(default=None, repr=False)
    user_agent: str | None = None
    min_interval: float = 1.0
    host_intervals: Mapping[str, float] = field(default_factory=lambda: {"export.arxiv.org": 3.0})
    max_retries: int = 4
    backoff_base: float = 1.0
    max_sleep: float = 60.0
    timeout: float = 30.0
    cache_dir: Path | None = None
    max_bytes: int = MAX_BYTES

    def __post_init__(self) -> None:
        for name in ("min_interval", "backoff_base", "max_sleep", "max_retries"):
            if getattr(self, name) < 0:
                raise FetchError(f"fetch setting {name} must be >= 0, got {getattr(self, name)}")
        # Sent in headers, where h11 would refuse them with a message quoting the value. The
        # blanks around them go (a key read from a file, a .env saved with CRLF line ends);
        # what remains must fit a header, and is never shown here, the key least of all.
        for attr, name in (
            ("s2_api_key", "S2_API_KEY"),
            ("email", "PAPERKG_MAILTO"),
            ("user_agent", "fetch setting user_agent"),
        ):
            value = getattr(self, attr)
            if value is None:
                continue
            value = value.strip() or None
            object.__setattr__(self, attr, value)  # frozen: this is still its making
            if value is not None and not _HEADER_TEXT.fullmatch(value):
                raise FetchError(
                    f"{name} holds characters an HTTP header cannot carry (a line break or a "
                    "non-ASCII character?); set it again"
                )
        if self.timeout <= 0:
            raise FetchError(f"fetch setting timeout must be > 0, got {self.timeout}")
        if self.max_bytes <= 0:
            raise FetchError(f"fetch setting max_bytes must be > 0, got {self.max_bytes}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **settings: Any) -> FetchConfig:
        """A config from the environment (``os.environ`` unless ``environ`` is given): the
        variables of :data:`ENVIRONMENT` (the four API base URLs, ``PAPERKG_MAILTO`` and
        ``S2_API_KEY``), the blanks around each dropped (a ``.env`` saved with CRLF line ends
        leaves a carriage return); an unset or blank one keeps the default. ``settings`` set
        any field and win over the environment."""
        env = os.environ if environ is None else environ
        found: dict[str, Any] = {}
        for variable, name in ENVIRONMENT.items():
            value = env.get(variable, "").strip()
            if value:
                found[name] = value
        return cls(**{**found, **settings})

    def agent(self) -> str:
        """The User-Agent sent with every request."""
        if self.user_agent:
            return self.user_agent
        contact = f"; mailto:{self.email}" if self.email else ""
        return f"paperkg/{__version__} (+{PROJECT_URL}{contact})"

    def interval(self, host: str) -> float:
        return max(self.min_interval, self.host_intervals.get(host, 0.0))


@dataclass
class Pacer:
    """When each host was last asked. Pass one ``Pacer`` to several fetches to keep the
    per-host interval between them too; each fetch makes its own otherwise."""

    last: dict[str, float] = field(default_factory=dict)

    def wait(self, host: str, interval: float) -> float:
        """Sleep until ``host`` may be asked again; return the seconds slept."""
        due = self.last.get(host, -math.inf) + interval
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        self.last[host] = time.monotonic()
        return max(0.0, due - now)


def make_client(config: FetchConfig) -> httpx.Client:
    """The client the CLI hands to the fetchers (close it when done). Redirects are followed
    by :class:`Session` itself, which decides where the S2 key may go."""
    try:
        import httpx
    except ModuleNotFoundError:  # the optional 'fetch' extra
        raise FetchError("paperkg fetch needs httpx: install paperkg[fetch]") from None
    return httpx.Client(
        timeout=config.timeout, follow_redirects=False, headers={"User-Agent": config.agent()}
    )


# --------------------------------------------------------------------------- the one request path


def _hide(text: str) -> str:
    """``text`` with every secret of the running fetch masked."""
    for secret in _HIDDEN.get():
        text = text.replace(secret, _HIDDEN_MARK)
    return text


def _shows_secret(exc: BaseException | None) -> bool:
    """Whether ``exc`` or an exception it was raised from holds a secret in its text."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if _hide(str(exc)) != str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@contextlib.contextmanager
def _hiding(*secrets: str | None) -> Iterator[None]:
    """Inside, no message shows ``secrets``: :func:`one_line` masks them in server text
    before shortening it (a server may quote the key back), and a ``FetchError`` that still
    shows one, in its text or in what it was raised from, is raised again masked, unchained."""
    kept = tuple(s for s in secrets if s and len(s) >= _HIDDEN_MIN)
    token = _HIDDEN.set(_HIDDEN.get() + kept)
    masked: FetchError | None = None
    try:
        yield
    except FetchError as exc:
        if not _shows_secret(exc):
            raise
        masked = type(exc)(_hide(str(exc)))
    finally:
        _HIDDEN.reset(token)
    if masked is not None:
        raise masked from None


def one_line(text: str, limit: int = 200) -> str:
    """``text`` on one line of at most ``limit`` characters, without control or format
    characters: server text reaches a terminal through our messages, escape codes must not.
    A secret of the running fetch is masked first, so no cut can leave a part of it."""
    flat = " ".join(_hide(text).split())
    if any(unicodedata.category(ch) in _INVISIBLE for ch in flat):
        kept = "".join(ch for ch in flat if unicodedata.category(ch) not in _INVISIBLE)
        flat = " ".join(kept.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _size(count: int) -> str:
    """``67108864`` -> ``64 MiB``; sizes that are no round number of a unit stay in bytes."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count} bytes"


def _server_says(body: bytes, content_type: str) -> str:
    """The server's own error message, if it gave a short one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        text = body.decode("utf-8", "replace") if "html" not in content_type else ""
        return one_line(text) if text.strip() else ""
    if isinstance(data, dict):
        for key in ("error", "message", "detail"):
            if isinstance(data.get(key), str) and data[key].strip():
                return one_line(data[key])
    return ""


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _cache_path(config: FetchConfig, key: str) -> Path | None:
    return None if config.cache_dir is None else Path(config.cache_dir) / f"{key}.body"


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and port: what a credential is bound to."""
    return url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme)


class _DeadlinePassed(Exception):
    """The request as a whole took longer than ``FetchConfig.timeout``."""


class _TooLarge(Exception):
    """The answer is larger than ``FetchConfig.max_bytes``."""


class Rejected(FetchError):
    """The answers parsed, but the command cannot use them (no papers): never cached."""


class _Watchdog:
    """Shuts the request's socket when its deadline passes: httpx's timeouts bound each read,
    so a server dripping its headers or body a byte at a time would outlast any of them.
    Sockets come from httpcore's ``trace`` extension as connections open; our requests say
    ``Connection: close``, so none reuses a socket opened before its watchdog. (Only an idle
    connection the caller's client kept from its own earlier requests escapes; the deadline
    is then still checked between the chunks of the body.)"""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore's trace hook: note the socket of each connection this request opens."""
        if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
                if self.fired:
                    self._shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        # The plain socket's shutdown, also for TLS: a blocked read returns at once. It fails
        # only when the socket is closed already.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


@dataclass(frozen=True)
class _Answer:
    """The last response of a request once redirects are followed; ``body`` is the whole
    (capped) body of a success, the start of an error's, empty for a retryable status."""

    status: int
    reason: str
    body: bytes = b""
    content_type: str = ""
    retry_after: str | None = None


class _Inflater:
    """Decodes a gzip or deflate body in pieces of at most ``_PIECE`` bytes, so a small
    compressed body cannot grow in memory before the size cap has counted it.

    Not httpx's own decoders (``iter_bytes``): they expand each raw chunk whole (64 KiB of a
    gzip bomb is 64 MiB at once), keep only the first gzip member, accept a body cut off
    inside the stream, and pass an unknown Content-Encoding through undecoded."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._zlib: Any = None  # the member being decoded; None between gzip members
        self._head = b""  # deflate: the first bytes, until they show whether zlib wraps it
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._zlib is None and self.encoding == "deflate" and not self._started:
            data, self._head = self._head + data, b""
            if len(data) < 2:
                self._head = data
                return
        while True:
            if self._zlib is None:
                if not data:
                    return
                self._zlib = zlib.decompressobj(self._wbits(data))
                self._started = True
            try:
                piece = self._zlib.decompress(data, _PIECE)
            except zlib.error as exc:
                raise ValueError(f"damaged {self.encoding} body ({exc})") from exc
            if piece:
                yield piece
            if self._zlib.eof:
                data = self._zlib.unused_data
                if data and self.encoding != "gzip":
                    raise ValueError(f"damaged {self.encoding} body (data after its end)")
                self._zlib = None  # gzip: another member may follow
                continue
            data = self._zlib.unconsumed_tail
            if not data and len(piece) < _PIECE:
                return

    def finish(self) -> None:
        """Complain about a body that stopped inside a compressed stream."""
        if self._zlib is not None or (self._head and not self._started):
            raise ValueError(f"damaged {self.encoding} body (it ends too early)")

    def _wbits(self, data: bytes) -> int:
        if self.encoding == "gzip":
            return zlib.MAX_WBITS | 16
        wrapped = data[0] & 0x0F == 8 and ((data[0] << 8) | data[1]) % 31 == 0
        return zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS


def _inflater(response: httpx.Response) -> _Inflater | None:
    """The decoder the response's Content-Encoding needs; ValueError for one we cannot read."""
    codings = [c.strip().lower() for c in response.headers.get("Content-Encoding", "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return _Inflater("deflate" if codings[0] == "deflate" else "gzip")
    raise ValueError(f"unsupported Content-Encoding '{one_line(', '.join(codings), 40)}'")


def _declared_over(response: httpx.Response, limit: int) -> bool:
    """Whether an uncompressed body says, before a byte is read, that it exceeds ``limit``."""
    coding = response.headers.get("Content-Encoding", "").strip().lower()
    declared = response.headers.get("Content-Length", "").strip()
    return coding in ("", "identity") and declared.isdigit() and int(declared) > limit


def _read(
    response: httpx.Response, limit: int, deadline: float, *, truncate: bool = False
) -> bytes:
    """The decoded body, read while it streams. Past ``limit`` bytes it raises ``_TooLarge``
    (or, with ``truncate``, returns the first ``limit``); ``_DeadlinePassed`` when
    ``deadline`` passes before it has ended; ValueError for a body it cannot decode."""
    inflater = _inflater(response)
    pieces: list[bytes] = []  # joined once at the end: a growing buffer copies as it grows
    size = 0
    for raw in response.iter_raw():
        for piece in inflater.feed(raw) if inflater is not None else (raw,):
            if len(piece) > limit - size:
                if not truncate:
                    raise _TooLarge
                pieces.append(piece[: limit - size])
                return b"".join(pieces)
            pieces.append(piece)
            size += len(piece)
        if time.monotonic() > deadline:
            raise _DeadlinePassed
    if time.monotonic() > deadline:
        raise _DeadlinePassed  # a body ended by closing: the watchdog's shutdown looks like one
    if inflater is not None:
        inflater.finish()
    return b"".join(pieces)


class Session:
    """The requests of one fetch command: paced, retried, redirected by hand, capped, and
    answered from the cache. What it fetched is cached only by :meth:`keep`, which the
    command calls once it has accepted the answers."""

    def __init__(
        self, client: httpx.Client, config: FetchConfig, pacer: Pacer, *, read_cache: bool
    ) -> None:
        self.client = client
        self.config = config
        self.pacer = pacer
        self.read_cache = read_cache
        self.replayed = False  # some answer came from the cache
        self.pending: dict[Path, bytes] = {}

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        credentials: Mapping[str, str] | None = None,
        parse: Callable[[bytes], T],
        hint: str,
    ) -> T:
        """Send one request and return ``parse(body)``; ``parse`` raises ``ValueError`` for a
        body of the wrong shape. ``credentials`` are headers sent only to the origin of
        ``url``, never to where a redirect leads elsewhere."""
        query = urlencode(params or {}, safe=",:/|@")
        full = f"{url}?{query}" if query else url
        content = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        key = hashlib.sha256(b"\n".join((method.encode(), full.encode(), content or b"")))
        cached = _cache_path(self.config, key.hexdigest())
        if cached is not None and self.read_cache:
            try:
                if cached.stat().st_size <= self.config.max_bytes:
                    value = parse(cached.read_bytes())
                    self.replayed = True
                    return value
            except (OSError, ValueError):
                pass  # missing, unreadable, oversized or damaged entry: ask again
        with _hiding(*(credentials or {}).values()):
            data = self._fetch(method, full, content, credentials or {}, hint)
            try:
                value = parse(data)
            except ValueError as exc:
                raise FetchError(
                    f"{method} {full} answered with an unexpected body "
                    f"({one_line(str(exc), 120)}); check the base URL"
                ) from exc
        if cached is not None:
            self.pending[cached] = data
        return value

    def keep(self) -> None:
        """Cache the answers of a command that accepted them."""
        for path, data in self.pending.items():
            try:
                atomic.write_file(path, data)
            except OSError as exc:
                raise FetchError(
                    f"cannot write the fetch cache {path}: {exc.strerror or exc}; "
                    "pick another --cache folder"
                ) from exc

    def _fetch(
        self,
        method: str,
        full: str,
        content: bytes | None,
        credentials: Mapping[str, str],
        hint: str,
    ) -> bytes:
        """The body of a successful answer to ``method full``, retrying what may pass."""
        import httpx  # the client passed in proves it is installed

        try:
            start = httpx.URL(full)
        except httpx.InvalidURL as exc:
            raise FetchError(
                f"{method} {full}: not a valid URL ({exc}); check the base URL"
            ) from exc
        if start.scheme not in _DEFAULT_PORTS:
            raise FetchError(
                f"{method} {full}: unsupported protocol {start.scheme!r}; "
                "the base URL needs http(s)://"
            )
        headers = {
            "User-Agent": self.config.agent(),
            "Accept": "application/json, application/atom+xml",
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",  # a fresh socket per request, for _Watchdog
        }
        if content is not None:
            headers["Content-Type"] = "application/json"
        attempts = self.config.max_retries + 1
        last = ""
        for attempt in range(attempts):
            delay = self.config.backoff_base * 2**attempt
            try:
                answer = self._follow(method, start, content, headers, credentials, full)
            except (httpx.TimeoutException, _DeadlinePassed):
                last = f"timed out after {self.config.timeout:g} s"
            except httpx.LocalProtocolError:
                # Nothing was sent and a retry cannot mend it; h11's text quotes the refused
                # header value, which may be a key, so it is never shown.
                raise FetchError(
                    f"{method} {full}: the request could not be sent, a header holds characters "
                    "HTTP cannot carry (a line break?); check S2_API_KEY, PAPERKG_MAILTO and "
                    "the headers of the client passed in"
                ) from None
            except httpx.TransportError as exc:
                last = f"connection failed ({type(exc).__name__}: {one_line(str(exc), 80)})"
            except httpx.RequestError as exc:
                raise FetchError(f"{method} {full} failed: {one_line(str(exc))}; {hint}") from exc
            else:
                if 200 <= answer.status < 300:
                    return answer.body
                if answer.status not in _RETRYABLE:
                    says = _server_says(answer.body, answer.content_type)
                    raise FetchError(
                        f"{method} {full} failed: HTTP {answer.status} {answer.reason}"
                        + (f" ({says})" if says else "")
                        + f"; {hint}"
                    )
                last = f"HTTP {answer.status} {answer.reason}"
                waited = _retry_after(answer.retry_after)
                if waited is not None:
                    delay = waited
            if attempt + 1 < attempts:
                time.sleep(min(delay, self.config.max_sleep))
        raise FetchError(
            f"{method} {full} still failing after {attempts} attempt{'s' * (attempts != 1)} "
            f"(last: {last}); the service is busy or down: try again later, or allow more retries"
        )

    def _follow(
        self,
        method: str,
        url: httpx.URL,
        content: bytes | None,
        headers: Mapping[str, str],
        credentials: Mapping[str, str],
        full: str,
    ) -> _Answer:
        """One attempt: the request and its redirects, within one deadline of
        ``config.timeout`` seconds (time spent pacing the hops not counted), which a
        :class:`_Watchdog` enforces on every read, of headers or body."""
        import httpx

        home = _origin(url)
        send = dict(headers)
        deadline = time.monotonic() + self.config.timeout
        for _ in range(MAX_REDIRECTS + 1):
            deadline += self.pacer.wait(url.host, self.config.interval(url.host))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _DeadlinePassed
            keyed = {**send, **credentials} if _origin(url) == home else send
            with _Watchdog(remaining) as watchdog:
                try:
                    answer = self._hop(method, url, content, keyed, deadline, full, watchdog)
                except httpx.TransportError as exc:
                    if watchdog.fired:
                        raise _DeadlinePassed from exc
                    raise
            if watchdog.fired:
                # A body without Content-Length or chunks ends when the connection closes,
                # so the watchdog's shutdown cut it short without an error: not an answer.
                raise _DeadlinePassed
            if isinstance(answer, _Answer):
                return answer
            status, location = answer
            url = self._redirect(url, location, method, full)
            if status == 303 or (status in (301, 302) and method == "POST"):
                method, content = "GET", None
                send.pop("Content-Type", None)
        raise FetchError(
            f"{method} {full}: redirected more than {MAX_REDIRECTS} times; check the base URL"
        )

    def _hop(
        self,
        method: str,
        url: httpx.URL,
        content: bytes | None,
        headers: Mapping[str, str],
        deadline: float,
        full: str,
        watchdog: _Watchdog,
    ) -> _Answer | tuple[int, str]:
        """One request, no redirect followed: its answer, or a redirect's status and
        Location."""
        with self.client.stream(
            method,
            url,
            content=content,
            headers=headers,
            timeout=max(deadline - time.monotonic(), 0.001),
            follow_redirects=False,
            extensions={"trace": watchdog.trace},
        ) as response:
            status = response.status_code
            reason = one_line(response.reason_phrase, 60)
            location = response.headers.get("Location")
            if status in _REDIRECTS and location is not None:
                return status, location
            if status in _RETRYABLE:
                return _Answer(status, reason, retry_after=response.headers.get("Retry-After"))
            kind = response.headers.get("Content-Type", "")
            if not 200 <= status < 300:
                try:
                    start = _read(response, _ERROR_TEXT_BYTES, deadline, truncate=True)
                except ValueError:
                    start = b""  # an error body we cannot decode just says nothing
                return _Answer(status, reason, start, kind)
            cap = self.config.max_bytes
            try:
                if _declared_over(response, cap):
                    raise _TooLarge  # refused before a byte is read
                data = _read(response, cap, deadline)
            except ValueError as exc:
                raise FetchError(
                    f"{method} {full} answered HTTP {status} with an unreadable body "
                    f"({one_line(str(exc), 120)}); check the base URL"
                ) from exc
            except _TooLarge:
                raise FetchError(
                    f"{method} {full}: the answer is larger than {_size(cap)} (max_bytes; "
                    "--max-size on the command line), not read further; check the base URL "
                    "or raise the limit"
                ) from None
            return _Answer(status, reason, data, kind)

    @staticmethod
    def _redirect(url: httpx.URL, location: str, method: str, full: str) -> httpx.URL:
        """Where a redirect leads, if it is a web URL we may follow."""
        import httpx

        shown = one_line(location, 80)
        try:
            target = url.join(location)
        except httpx.InvalidURL as exc:
            raise FetchError(
                f"{method} {full}: the server redirected to an invalid URL ({shown}), "
                "not followed; check the base URL"
            ) from exc
        if target.scheme not in _DEFAULT_PORTS or not target.host:
            raise FetchError(
                f"{method} {full}: the server redirected to a non-web URL ({shown}), "
                "not followed; check the base URL"
            )
        return target


def run_fetch(
    client: httpx.Client,
    config: FetchConfig,
    pacer: Pacer | None,
    out_dir: Path | str,
    work: Callable[[Session], tuple[str, bytes]],
) -> Path:
    """Do one fetch command: ``work`` asks through a session and returns the file name and
    bytes to save, or raises ``Rejected``. Its answers are cached only when it succeeds, and
    a rejection built on cached answers is checked once more against the server."""
    pacer = pacer or Pacer()
    with _hiding(config.s2_api_key):
        session = Session(client, config, pacer, read_cache=True)
        try:
            name, data = work(session)
        except Rejected:
            if not session.replayed:
                raise
            session = Session(client, config, pacer, read_cache=False)
            name, data = work(session)
        session.keep()
    return _save(out_dir, name, data)


# --------------------------------------------------------------------------- shared bits


def base_url(url: str) -> str:
    """A configured base URL without its trailing slashes, ready for a path."""
    return url.rstrip("/")


def digest(parts: Iterable[str]) -> str:
    """A short, stable name part for a list of ids (same ids, same order: same file)."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def unique(items: Iterable[str]) -> list[str]:
    """``items`` without repeats, in their first order."""
    return list(dict.fromkeys(items))


def chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    """``items`` in runs of at most ``size``: the ids of one batch request."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def parse_json(data: bytes) -> Any:
    """An answer's JSON; ValueError (what :meth:`Session.request` expects) for a bad one."""
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise ValueError("not UTF-8") from exc
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


def parse_json_list(data: bytes) -> list[Any]:
    """An answer that must be a JSON list."""
    value = parse_json(data)
    if not isinstance(value, list):
        raise ValueError(f"expected a JSON list, got a {type(value).__name__}")
    return value


def _save(out_dir: Path | str, name: str, data: bytes) -> Path:
    """Write a fetch's file into ``out_dir`` (made if missing), atomically."""
    path = Path(out_dir) / name
    try:
        atomic.write_file(path, data)
    except OSError as exc:
        raise FetchError(
            f"cannot write {path}: {exc.strerror or exc}; pick a writable --into folder"
        ) from exc
    return path


def dump_json(value: Any) -> bytes:
    """``value`` as the saved file's JSON: UTF-8, one-space indents, a final newline."""
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode()


def need_ids(ids: Sequence[str], what: str) -> None:
    """Refuse a fetch of no ids at all (``what`` names the source)."""
    if not ids:
        raise FetchError(f"no {what} ids given: pass at least one with --ids")
