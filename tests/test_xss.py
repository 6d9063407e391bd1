"""HTML safety of the views: the OWASP XSS filter-evasion classics fed through real inputs
(a Papers with Code dump set and a user gazetteer) into every place user text reaches a
view, built, rendered and opened in a real headless Chromium."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import pyvis
from browser import visit

from paperkg.errors import NotFoundError
from paperkg.graph import read_snapshot
from paperkg.graph.report.around import around
from paperkg.graph.report.connect import connect
from paperkg.pipeline import BuildOptions, build
from paperkg.viz import bridges_view, cluster_view, overview, paper_view, render_html
from paperkg.viz.around_view import around_view, connect_view
from paperkg.viz.html import PHYSICS_LIMIT

SITE = "https://paperswithcode.com"
DATA_B64 = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="

#: The classics of the OWASP XSS filter evasion cheat sheet (and a few of its relatives).
PAYLOADS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=https://evil.example/x.js></script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "<img src=x onerror=alert(1)>",
    '<img """><script>alert(1)</script>">',
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<body onload=alert(1)>",
    '<div style="width: expression(alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    "</script><script>alert(1)</script>",
    "]]><script>alert(1)</script><![CDATA[",
    '"}]};alert(1);//',
    "'];alert(1);//",
    "line\u2028separator\u2029alert(1)//",
    "<!--<script>alert(1)//-->",
    "<!-- --!><script>alert(1)</script>",
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)}`;alert(1);//",
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "<img src=x \x00onerror=alert(1)>",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "<\u017fcript>alert(1)</\u017fcript>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="java\tscript:alert(1)">click</a>',
    f'<object data="{DATA_B64}"></object>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '"><input autofocus onfocus=alert(1)>',
    "<details open ontoggle=alert(1)>",
]

#: Hostile URLs for ``url_abs``, ``repo_url`` and catalogue ``url``/``homepage`` fields.
URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " \x01javascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    DATA_B64,
    "vbscript:msgbox(1)",
    "//evil.example/x",
    'https://github.com/evil/repo"><script>alert(1)</script>',
    "https://github.com/evil/x onmouseover=alert(1)",
    "https://github.com/<svg/onload=alert(1)>/x",
]
SAFE_REPO = "https://github.com/safe-org/safe-repo"
TOPICS = [
    "speech recognition with sparse mixtures of small experts on device",
    "protein structure prediction with diffusion models and folding",
    "coastal flood forecasting from tide gauges with recurrent networks",
    "low-resource machine translation with pruned low-rank adapters",
    "molecular property prediction with graph neural networks",
]


def pick(items: list[str], index: int) -> str:
    return items[index % len(items)]


def write_inputs(folder: Path) -> tuple[list[Path], Path]:
    """A Papers with Code dump set and a gazetteer carrying every payload and hostile URL."""
    papers, links, methods, datasets, gazetteer = [], [], [], [], []
    for number, payload in enumerate(PAYLOADS):
        arxiv = f"2601.{number + 1:05d}"
        slug = f"hostile-paper-{number}"
        title = f"{payload} Paper {number}"
        topic = pick(TOPICS, number)
        method = f"{pick(PAYLOADS, number + 11)} M{number}"
        known_method = f"{pick(PAYLOADS, number + 5)} G{number}"
        known_dataset = f"{pick(PAYLOADS, number + 9)} D{number}"
        gazetteer += [
            {"name": known_method, "kind": "method", "aliases": []},
            {"name": known_dataset, "kind": "dataset", "aliases": []},
        ]
        papers.append(
            {
                "paper_url": f"{SITE}/paper/{slug}",
                "arxiv_id": arxiv,
                "title": title,
                "abstract": (
                    f"We study {topic}. {pick(PAYLOADS, number + 7)} Our model uses "
                    f"{known_method} and is evaluated on {known_dataset} . Code: "
                    f"{pick(URLS, number)} and https://github.com/lab{number}/tool{number} ."
                ),
                "url_abs": pick(URLS, number),
                "authors": [pick(PAYLOADS, number + 3), "Ada Quill"],
                "tasks": [pick(PAYLOADS, number + 13)],
                "date": "2026-01-15",
                "methods": [
                    {
                        "name": method,
                        "full_name": pick(PAYLOADS, number + 1),
                        "description": pick(PAYLOADS, number + 2),
                        "source_title": title,
                    }
                ],
            }
        )
        links.append(
            {
                "paper_url": f"{SITE}/paper/{slug}",
                "paper_title": title,
                "paper_arxiv_id": arxiv,
                "paper_url_abs": pick(URLS, number + 1),
                "repo_url": SAFE_REPO if number == 0 else pick(URLS, number),
                "is_official": number % 2 == 0,
            }
        )
        paper_link = {"title": title, "url": f"{SITE}/paper/{slug}"}
        methods.append(
            {
                "url": f"{SITE}/method/m{number}" if number == 0 else pick(URLS, number),
                "name": f"{pick(PAYLOADS, number + 17)} C{number}",
                "full_name": pick(PAYLOADS, number + 19),
                "description": pick(PAYLOADS, number + 21),
                "paper": paper_link,
            }
        )
        datasets.append(
            {
                "url": f"{SITE}/dataset/d{number}" if number == 0 else pick(URLS, number + 2),
                "name": f"{pick(PAYLOADS, number + 23)} S{number}",
                "full_name": pick(PAYLOADS, number + 25),
                "homepage": pick(URLS, number + 3),
                "description": pick(PAYLOADS, number + 27),
                "paper": paper_link,
            }
        )
    dumps = {
        "papers-with-abstracts.json": papers,
        "links-between-papers-and-code.json": links,
        "methods.json": methods,
        "datasets.json": datasets,
    }
    folder.mkdir(parents=True, exist_ok=True)
    sources = []
    for name, content in dumps.items():
        path = folder / name
        path.write_text(json.dumps(content, indent=1), encoding="utf-8")
        sources.append(path)
    gazetteer_file = folder / "hostile-gazetteer.json"
    gazetteer_file.write_text(json.dumps({"version": 1, "entries": gazetteer}), encoding="utf-8")
    return sources, gazetteer_file


# --- what a page may hold ---------------------------------------------------------------

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:"
)
#: Every element a view is made of: the template's, the side panel's and vis-network's.
PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "div", "header", "h1", "input", "span",
    "aside", "script", "canvas", "button", "h2", "dl", "dt", "dd", "p", "a", "br", "ul", "li",
    "select", "option", "label", "h3",
}  # fmt: skip
PANEL_TAGS = ["button", "h2", "div", "dl", "dt", "dd", "p", "a", "h3", "ul", "li", "span"]
PANEL_ATTRIBUTES = ["id", "href", "target", "rel", "aria-label"]
URL_ATTRIBUTES = [
    "href", "src", "srcdoc", "srcset", "action", "formaction", "data", "xlink:href",
    "background", "poster", "ping", "codebase", "dynsrc", "lowsrc",
]  # fmt: skip
JSON_SCRIPTS = [
    "paperkg-nodes", "paperkg-edges", "paperkg-meta", "paperkg-groups", "paperkg-paint",
]  # fmt: skip
URL_JUNK = re.compile(r"[\x00-\x20\x7f<>\"'`\\]")

AUDIT = """([urlAttributes]) => {
  const bad = [], urls = [], tags = new Set();
  for (const el of document.querySelectorAll('*')) {
    tags.add(el.localName);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) bad.push(el.localName + '[' + name + ']');
      if (urlAttributes.includes(name)) urls.push([el.localName, name, attr.value]);
      if (name === 'style' && /expression|url\\(|javascript|@import|behavior|binding/i
          .test(attr.value)) bad.push(el.localName + '[style=' + attr.value + ']');
    }
  }
  return {
    bad, urls, tags: [...tags].sort(),
    anchors: [...document.querySelectorAll('a')].map(
      (a) => [a.getAttribute('href'), a.protocol, a.rel, a.target]),
    scripts: [...document.scripts].map((s) => [s.type, s.id, s.src, s.textContent]),
    metas: [...document.querySelectorAll('meta')].map(
      (m) => [m.getAttribute('http-equiv'), m.getAttribute('content')]),
    sheets: document.querySelectorAll('style, link').length,
    title: document.title,
    h1: document.querySelector('h1').textContent,
    h1Shown: document.querySelector('h1').innerText,
    notes: [...document.querySelectorAll('#notes .note')].map((n) => n.textContent),
  };
}"""

PANELS = """([ids, panelTags, panelAttributes]) => ids.map((id) => {
  window.paperkgOpenPanel(id);
  const panel = document.getElementById('panel');
  const odd = [];
  for (const el of panel.querySelectorAll('*')) {
    if (!panelTags.includes(el.localName)) odd.push(el.localName);
    for (const attr of el.attributes) {
      if (!panelAttributes.includes(attr.name)) odd.push(el.localName + '[' + attr.name + ']');
    }
  }
  const heading = document.getElementById('panel-title');
  const abstract = panel.querySelector('p');
  return {
    id, odd, open: panel.classList.contains('open'),
    heading: heading.textContent, shown: heading.innerText,
    facts: [...panel.querySelectorAll('dd')].map((d) => d.textContent),
    abstract: abstract ? abstract.textContent : '',
    links: [...panel.querySelectorAll('a')].map(
      (a) => [a.getAttribute('href'), a.protocol, a.rel, a.target]),
  };
})"""


def own_scripts(physics: bool) -> list[str]:
    """The text of the page's own two scripts: vis-network as pyvis ships it and the
    template's, with ``physics`` (and no site index) filled in."""
    template = files("paperkg.viz").joinpath("templates/view.html").read_text(encoding="utf-8")
    (own,) = re.findall(r"<script>\n(.*?)</script>", template, re.DOTALL)
    vis = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
    return [
        vis.read_text(encoding="utf-8"),
        "\n"
        + own.replace("{{ physics|tojson }}", json.dumps(physics)).replace(
            "{{ site_index|tojson }}",
            "null",  # a single view has no site
        ),
    ]


def shown_text(text: str) -> str:
    """``text`` as the HTML parser keeps it in an element: U+0000 is dropped from markup."""
    return text.replace("\x00", "")


def rendered(text: str) -> str:
    """``text`` as ``innerText`` reads it back from an element with normal white-space:
    runs of spaces, tabs and line feeds are one space."""
    return re.sub(r"[ \t\n\r\f]+", " ", text).strip()


def is_web(url: str | None) -> bool:
    """An http(s) URL with a dotted host and nothing a URL cannot hold (checked here
    without paperkg's own helpers)."""
    if not url or URL_JUNK.search(url):
        return False
    parts = urlsplit(url)
    host = parts.hostname or ""
    return (
        parts.scheme in ("http", "https")
        and "@" not in parts.netloc
        and re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", host) is not None
        and re.fullmatch(r"[^:]*(:\d+)?", parts.netloc) is not None
    )


def heading_of(node: str, data: dict) -> str:
    if data.get("type") == "Paper":
        return data["title"]
    if data.get("type") == "Cluster":
        return f"Cluster {data['id']}"
    return data.get("name") or data.get("url") or node


def facts_of(data: dict) -> list[str] | None:
    """The side-panel facts a test can predict: the entity names of a paper and of a cluster."""
    if data.get("type") == "Paper":
        return [", ".join((data.get("entities") or [])[:6]) or "-"]
    if data.get("type") == "Cluster":
        return [", ".join(data.get("methods", [])), ", ".join(data.get("datasets", []))]
    return None


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, embedder):
    folder = tmp_path_factory.mktemp("xss")
    sources, gazetteer = write_inputs(folder / "inputs")
    options = BuildOptions(k=2, min_cluster_size=1, gazetteers=(str(gazetteer),))
    build(sources, folder / "kg", options, embedder=embedder)
    return read_snapshot(folder / "kg").graph


def nodes_of(graph, kind: str) -> dict[str, dict]:
    return {n: d for n, d in graph.nodes(data=True) if d.get("type") == kind}


def check_page(chromium, folder: Path, name: str, view, graph) -> int:
    """Open one view, open the side panel of every node, and check the page held only text;
    returns the number of panels checked."""
    path = folder / f"{name}.html"
    path.write_text(render_html(view), encoding="utf-8")
    seen = visit(chromium, path)
    page = seen.page
    try:
        before = page.evaluate(AUDIT, [URL_ATTRIBUTES])
        ids = list(view.nodes)
        panels = page.evaluate(PANELS, [ids, PANEL_TAGS, PANEL_ATTRIBUTES])
        after = page.evaluate(AUDIT, [URL_ATTRIBUTES])
        assert page.evaluate("[window.paperkgNodes.length, window.paperkgEdges.length]") == [
            len(view.nodes),
            len(view.edges),
        ], name
        for audit in (before, after):
            assert audit["bad"] == [], (name, audit["bad"])
            assert set(audit["tags"]) <= PAGE_TAGS, (name, set(audit["tags"]) - PAGE_TAGS)
            assert audit["sheets"] == 2, name
            assert audit["metas"] == [
                [None, None],
                [None, "width=device-width, initial-scale=1"],
                ["Content-Security-Policy", CSP],
            ], (name, audit["metas"])
            # Only <a href> carries a URL, always http(s) and opened apart from the page.
            assert all(tag == "a" and attr == "href" for tag, attr, _v in audit["urls"]), name
            for href, protocol, rel, target in audit["anchors"]:
                assert is_web(href) and protocol in ("http:", "https:"), (name, href)
                assert (rel, target) == ("noopener noreferrer", "_blank"), (name, href)
            scripts = audit["scripts"]
            assert [(t, i, src) for t, i, src, _text in scripts] == [
                *(("application/json", i, "") for i in JSON_SCRIPTS),
                ("", "", ""),
                ("", "", ""),
            ], name
            placed = view.nodes.keys() <= view.positions.keys()  # the bridges view is
            assert [text for *_x, text in scripts[len(JSON_SCRIPTS) :]] == own_scripts(
                len(view.nodes) <= PHYSICS_LIMIT and not placed
            ), name
            assert audit["title"] == view.title.replace("\x00", "\ufffd"), name  # RCDATA
            assert audit["h1"] == shown_text(view.title), name
            assert audit["h1Shown"] == rendered(shown_text(view.title)), name
            assert audit["notes"] == [shown_text(n) for n in view.notes], name
        assert len(panels) == len(view.nodes)
        for panel in panels:
            data = view.nodes[panel["id"]]
            where = (name, panel["id"])
            assert panel["open"] and panel["odd"] == [], (where, panel["odd"])
            assert panel["heading"] == heading_of(panel["id"], data), where
            assert panel["shown"] == rendered(panel["heading"]), where
            expected = facts_of(data)
            if data.get("type") == "Paper":
                assert panel["abstract"] == data.get("abstract", ""), where
                assert panel["facts"][3:4] == expected, where  # listed, cluster, topic, entities
            elif expected is not None:
                assert panel["facts"][2:4] == expected, where
            for href, protocol, rel, target in panel["links"]:
                assert is_web(href) and protocol in ("http:", "https:"), (where, href)
                assert (rel, target) == ("noopener noreferrer", "_blank"), (where, href)
        assert seen.dialogs == [], (name, seen.dialogs)
        assert seen.console_errors == [], (name, seen.console_errors)
        assert seen.requests == [path.resolve().as_uri()], (name, seen.requests)
    finally:
        page.context.close()
    return len(panels)


# --- tests --------------------------------------------------------------------------------


def test_every_payload_reaches_the_graph(hostile):
    """The fixtures do what they are for: each payload is a title, and hostile names are
    methods and datasets from every source (PwC paper methods, catalogues, gazetteer)."""
    titles = {d["title"] for d in nodes_of(hostile, "Paper").values()}
    assert titles == {" ".join(f"{p} Paper {n}".split()) for n, p in enumerate(PAYLOADS)}
    names = {d["name"] for kind in ("Method", "Dataset") for d in nodes_of(hostile, kind).values()}
    for tag in ("M", "C", "G"):  # paper methods, methods.json, gazetteer methods
        assert sum(bool(re.search(rf"[<&\"'].* {tag}\d+$", n)) for n in names) >= 20, tag
    for tag in ("S", "D"):  # datasets.json, gazetteer datasets
        assert sum(bool(re.search(rf"[<&\"'].* {tag}\d+$", n)) for n in names) >= 20, tag
    repos = nodes_of(hostile, "Repo")
    assert f"repo:{SAFE_REPO}" in repos


def test_only_web_urls_reach_the_graph(hostile):
    """Repos and a paper's links and code are http(s) URLs with a host, whatever the feed
    put in ``repo_url`` or the abstract; the one normal repository stays."""
    for node, data in nodes_of(hostile, "Repo").items():
        assert is_web(data["url"]) and node == f"repo:{data['url']}", node
    for node, data in nodes_of(hostile, "Paper").items():
        for url in [*data.get("links", []), *data.get("code", [])]:
            assert is_web(url), (node, url)
    safe = [n for n, d in nodes_of(hostile, "Paper").items() if SAFE_REPO in d.get("code", [])]
    assert len(safe) == 1


def test_paper_and_catalogue_urls_are_web_urls(hostile):
    for node, data in hostile.nodes(data=True):
        for key in ("url", "homepage"):
            if data.get(key) is not None:
                assert is_web(data[key]), (node, key, data[key])


def test_overview_and_bridges(chromium, hostile, tmp_path):
    assert check_page(chromium, tmp_path, "overview", overview(hostile), hostile) == len(
        nodes_of(hostile, "Paper")
    )
    assert check_page(chromium, tmp_path, "bridges", bridges_view(hostile), hostile) > 0


def test_every_cluster_view(chromium, hostile, tmp_path):
    clusters = sorted(d["id"] for d in nodes_of(hostile, "Cluster").values())
    assert len(clusters) >= 2
    for cluster in clusters:
        view = cluster_view(hostile, cluster)
        check_page(chromium, tmp_path, f"cluster-{cluster}", view, hostile)


def test_every_paper_view(chromium, hostile, tmp_path):
    for number, paper in enumerate(sorted(nodes_of(hostile, "Paper"))):
        view = paper_view(hostile, paper)
        assert check_page(chromium, tmp_path, f"paper-{number}", view, hostile) >= 3


def test_around_and_connect_views(chromium, hostile, tmp_path):
    """Hostile titles in the around view's reasons and the connect view's hop labels."""
    papers = sorted(nodes_of(hostile, "Paper"))
    report = around(hostile, papers[:1], size=len(papers))
    assert check_page(chromium, tmp_path, "around", around_view(hostile, report), hostile) >= 3
    for other in papers[1:]:
        try:
            paths = connect(hostile, papers[0], other, k=3)
        except NotFoundError:
            continue
        assert check_page(chromium, tmp_path, "connect", connect_view(hostile, paths), hostile) > 1
        return
    raise AssertionError("no two hostile papers are connected")


HOVER = """([id, box]) => {
  const net = window.paperkgNetwork;
  const p = net.canvasToDOM(net.getPositions([id])[id]);
  return [box.x + p.x, box.y + p.y];
}"""


def test_hover_and_search_show_titles_as_text(chromium, hostile, tmp_path):
    view = overview(hostile)
    path = tmp_path / "overview.html"
    path.write_text(render_html(view), encoding="utf-8")
    seen = visit(chromium, path)
    page = seen.page
    page.wait_for_timeout(1000)  # physics settled and switched off
    box = page.locator("#network").bounding_box()
    papers = sorted(nodes_of(hostile, "Paper"))
    hovered = 0
    for paper in papers:
        x, y = page.evaluate(HOVER, [paper, box])
        page.mouse.move(x, y)
        under = page.evaluate(
            "([x, y]) => window.paperkgNetwork.getNodeAt({x: x, y: y})",
            [x - box["x"], y - box["y"]],
        )
        if under is None:
            continue
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        page.wait_for_function(
            "(t) => document.querySelector('div.vis-tooltip').textContent.startsWith(t)",
            arg=hostile.nodes[under]["title"],
            timeout=5000,
        )
        children = page.evaluate(
            "[...document.querySelector('div.vis-tooltip').children].map((c) => c.localName)"
        )
        assert set(children) <= {"br"}, (paper, children)
        hovered += 1
        page.mouse.move(box["x"] + 2, box["y"] + 2)
    assert hovered >= len(papers) * 3 // 4  # nodes under the pointer got their tooltip
    for paper in papers:
        title = hostile.nodes[paper]["title"]
        page.fill("#search", title)
        page.press("#search", "Enter")
        assert page.evaluate("window.paperkgNetwork.getSelectedNodes()") == [paper], title
        assert page.evaluate("document.getElementById('panel-title').textContent") == title
    assert (
        page.evaluate(
            "[...document.querySelectorAll('[onerror], [onload], iframe, img, object, embed')]"
            ".length"
        )
        == 0
    )
    assert seen.dialogs == [] and seen.console_errors == []
    assert seen.requests == [path.resolve().as_uri()]
    page.context.close()
