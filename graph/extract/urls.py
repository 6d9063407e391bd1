"""Finding URLs in abstracts and normalising them into code repositories or plain links.

Scraped abstracts carry noisy URLs: sentence-final dots, closing brackets, LaTeX debris
(``}{here}``), markdown link syntax, ``/tree/main/...`` tails, ``.git``, ``https;//`` typos.
``find_links`` returns each URL once, cleaned, as a ``Repo`` (a code or Hugging Face
repository at its root) or a ``Link`` (anything else, e.g. a project page). ``web_url``
cleans a URL a feed names in a field and refuses anything but a web address
(``javascript:``, ``data:``, ``vbscript:``, no proper host), so only http(s) URLs with a
host name reach the graph and the views.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = [
    "CODE_HOSTS",
    "Link",
    "Repo",
    "classify_url",
    "clean_url",
    "find_links",
    "is_web_url",
    "web_url",
]

CODE_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org"})
HF_HOST = "huggingface.co"
_HOSTS = "|".join(re.escape(h) for h in (*sorted(CODE_HOSTS), HF_HOST))

_URL = re.compile(
    rf"(?:\b(?:https?|http)\s?[:;]\s?//|\bwww\.|\b(?=(?:{_HOSTS})/))[^\s<>\"'`\\]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?*'\""
#: What no URL holds (a browser strips or escapes it): whitespace, controls, quotes, angle
#: brackets, backticks, backslashes. ``_URL`` stops at them; a named URL is cut there.
_STOP = re.compile(r"[\x00-\x20\x7f<>\"'`\\]")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):(?!\d)", re.IGNORECASE)  # not host:port
_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_IGNORED = "".join(map(chr, range(0x21)))  # what browsers strip around a URL
_PAIRS = {")": "(", "]": "[", ">": "<"}
# Paths on code hosts that are site pages, not repositories.
_SITE_PAGES = {
    "github.com": {
        "about",
        "features",
        "orgs",
        "sponsors",
        "topics",
        "marketplace",
        "settings",
        "login",
        "join",
        "explore",
        "collections",
        "trending",
        "apps",
        "site",
    },
    HF_HOST: {
        "papers",
        "docs",
        "blog",
        "models",
        "collections",
        "organizations",
        "join",
        "login",
        "pricing",
        "tasks",
        "learn",
        "settings",
        "chat",
        "posts",
    },
}
_TAIL_MARKERS = (
    "/-/",
    "/tree/",
    "/blob/",
    "/resolve/",
    "/raw/",
    "/src/",
    "/commit/",
    "/issues",
    "/pulls",
    "/pull/",
    "/releases",
    "/wiki",
    "/discussions",
    "/actions",
)


@dataclass(frozen=True)
class Repo:
    """A repository at its root: ``kind`` is code, model, dataset or space."""

    url: str
    host: str
    owner: str
    name: str
    kind: str


@dataclass(frozen=True)
class Link:
    """Any other link, such as a project page, kept on the paper."""

    url: str
    host: str


def clean_url(raw: str) -> str:
    """Scheme fixed to https, host lower-cased, debris and unbalanced closers cut off."""
    url = re.sub(r"^(?:https?|http)\s?[:;]\s?//", "", raw.strip(), flags=re.IGNORECASE)
    url = _STOP.split(url.lstrip("/"), maxsplit=1)[0]  # markup or text after a named URL
    url = re.split(r"[{}|]", url, maxsplit=1)[0]  # LaTeX: \url{...}, ...}{here}
    url = url.split("](", 1)[0]  # markdown [url](url)
    while url:
        last = url[-1]
        if last in _TRAILING or (last in _PAIRS and url.count(last) > url.count(_PAIRS[last])):
            url = url[:-1]
        else:
            break
    url = url.split("#", 1)[0]
    host, _, path = url.partition("/")
    host = host.lower().removeprefix("www.")
    path = path.rstrip("/")
    return f"https://{host}/{path}" if path else f"https://{host}"


def classify_url(url: str) -> Repo | Link:
    """A cleaned URL as a ``Repo`` when it points into a repository, else a ``Link``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    path = parts.path
    for marker in _TAIL_MARKERS:
        if marker in path:
            path = path.split(marker, 1)[0]
    segments = [s for s in path.split("/") if s]
    if host in CODE_HOSTS and len(segments) >= 2:
        if segments[0].lower() in _SITE_PAGES.get(host, set()):
            return Link(url, host)
        # GitLab nests groups (group/subgroup/project); the others are owner/name.
        keep = segments if host == "gitlab.com" else segments[:2]
        keep[-1] = re.sub(r"\.git$", "", keep[-1], flags=re.IGNORECASE)
        root = f"https://{host}/" + "/".join(keep).lower()
        return Repo(root, host, "/".join(keep[:-1]).lower(), keep[-1].lower(), "code")
    if host == HF_HOST and segments:
        kind = {"datasets": "dataset", "spaces": "space"}.get(segments[0], "model")
        if kind != "model":
            segments = segments[1:]
        if len(segments) >= 2 and segments[0].lower() not in _SITE_PAGES[HF_HOST]:
            prefix = "" if kind == "model" else f"{kind}s/"
            root = f"https://{HF_HOST}/{prefix}{segments[0]}/{segments[1]}"
            return Repo(root, HF_HOST, segments[0], segments[1], kind)
    return Link(url, host)


def find_links(text: str) -> list[Repo | Link]:
    """Every URL in ``text``, cleaned and classified, first occurrence order, no duplicates."""
    found: dict[str, Repo | Link] = {}
    for match in _URL.finditer(text):
        cleaned = clean_url(match.group(0))
        if not is_web_url(cleaned):
            continue
        item = classify_url(cleaned)
        found.setdefault(item.url, item)
    return list(found.values())


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a dotted host name, a valid port, no user info and
    nothing a browser would strip or escape: safe to keep and to show as a link."""
    if _STOP.search(url):
        return False
    parts = urlsplit(url)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # not a number, or out of range
        port_ok = False
    return (
        port_ok
        and parts.scheme in ("http", "https")
        and "@" not in parts.netloc
        and bool(_HOST.fullmatch(parts.hostname or ""))
    )


def web_url(raw: str) -> str | None:
    """A URL named in a feed field (a repository, say) cleaned as ``clean_url`` does, when
    it is a web address: http(s) or a bare ``host/path``. Other schemes (``javascript:``,
    ``data:``, ``vbscript:``, ``file:``, also spelled ``JaVaScRiPt:`` or ``java\\tscript:``)
    and anything without a proper host are None."""
    text = re.sub(r"[\t\n\r]", "", raw).strip(_IGNORED)  # as a browser reads it
    scheme = _SCHEME.match(text)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return None
    cleaned = clean_url(text)
    return cleaned if is_web_url(cleaned) else None
