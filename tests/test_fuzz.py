"""Property-based tests of every loader, the format detector and the gazetteer reader.

Whatever bytes a file holds, reading it ends in one of two ways: records (``PaperRecord`` and
``EntityRecord`` lists whose fields have the types they promise) or a ``PaperkgError`` whose
one-line message names the file; never another exception, never a hang. Inputs: arbitrary
bytes, the repo's own fixtures cut, mutated, re-encoded (UTF-16, UTF-32, Latin-1, BOMs, NUL
bytes, gzip), records of every JSON format with fields missing, duplicated or of the wrong
type (NaN, infinities, integers too long to read), arbitrary and deeply nested JSON, and
listing-page text. Each goes through format detection and through every format forced.

Example counts come from the Hypothesis profile (tests/conftest.py): light by default,
``HYPOTHESIS_PROFILE=fuzz`` (``make fuzz``) for the long run.
"""

from __future__ import annotations

import codecs
import copy
import dataclasses
import gzip
import json
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, ROOT
from paperkg.errors import InputError, PaperkgError
from paperkg.graph import merge_records
from paperkg.graph.extract.gazetteer import Gazetteer, load_gazetteer
from paperkg.loaders import FORMATS, EntityRecord, LoadResult, PaperRecord, load_sources
from paperkg.loaders.records import CodeLink, WorkRef

#: Seconds of generated cases in all: left out of ``make test-fast``, run by ``make fuzz``.
pytestmark = pytest.mark.slow

#: A hang is a failure: no single case may run longer than this (Hypothesis's own
#: ``deadline`` flags slow cases; this stops a case that would never return).
CASE_SECONDS = 10

FORMAT_NAMES: list[str | None] = [None, *FORMATS]
JSON_FORMATS = [name for name in FORMATS if name != "hf-listing"]

FIXTURES = sorted(
    [
        *(DATA / "formats").glob("*.json*"),
        *(DATA / "pwc").glob("*.json"),
        *(DATA / "listing").glob("*.txt"),
    ]
)
FIXTURE_BYTES = {path.name: path.read_bytes() for path in FIXTURES}
GAZETTEER_BYTES = (ROOT / "graph" / "data" / "gazetteer.json").read_bytes()

#: Hypothesis examples run (and files read) by this module, reported at its end.
COUNTS = {"examples": 0, "plain": 0, "reads": 0}
#: Byte offsets the fixtures are cut at: every one in long runs, every 13th in the light one.
CUT_STRIDE = 1 if settings.default.max_examples >= 100 else 13

slow_ok = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module", autouse=True)
def _report_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    started = time.perf_counter()
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\ntest_fuzz: {COUNTS['examples']} generated cases (Hypothesis examples) and "
                f"{COUNTS['plain']} enumerated cases, {COUNTS['reads']} file reads, "
                f"in {time.perf_counter() - started:.1f} s"
            )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


class Hang(Exception):
    """A case ran longer than CASE_SECONDS."""


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise ``Hang`` in a case still running after ``seconds`` (Python code is stopped
    there; one long C call, such as a regular expression, when it returns)."""

    def expire(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- the property ------------------------------------------------------------------------


def _check_value(value: Any, where: str) -> None:
    """Record fields hold only what ``records.py`` declares: text that is real Unicode
    (encodable as UTF-8), dates, flags, line numbers, tuples of those and nested records."""
    if isinstance(value, str):
        value.encode("utf-8")  # a lone surrogate would fail every writer later
    elif isinstance(value, tuple):
        for item in value:
            _check_value(item, where)
    elif isinstance(value, WorkRef | CodeLink):
        for f in dataclasses.fields(value):
            _check_value(getattr(value, f.name), f"{where}.{f.name}")
    else:
        assert value is None or isinstance(value, bool | int | date), (where, type(value))


def _check_records(result: LoadResult, path: Path) -> None:
    assert isinstance(result, LoadResult)
    assert all(isinstance(r, PaperRecord) for r in result.records)
    assert all(isinstance(e, EntityRecord) for e in result.entities)
    for record in [*result.records, *result.entities]:
        assert record.path == str(path)
        for f in dataclasses.fields(record):
            _check_value(getattr(record, f.name), f.name)
    for record in result.records:
        assert isinstance(record.title, str) and record.title.strip()
        assert isinstance(record.abstract, str)
        assert all(isinstance(s, str) for s in (*record.authors, *record.keywords))
    for entity in result.entities:
        assert entity.kind in ("method", "dataset") and entity.name.strip()
    merge_records(result.records)  # what the build does next must not trip on them


def _check_error(exc: PaperkgError, path: Path) -> None:
    message = str(exc)
    assert str(path) in message, f"the message does not name the file: {message!r}"
    assert "\n" not in message, f"not one line: {message!r}"
    if isinstance(exc, InputError):
        assert exc.path == str(path)
        assert exc.line is None or exc.line >= 1


def expect_records_or_error(call: Callable[[], Any], path: Path) -> Any:
    """Run one case under the time bound: records or a PaperkgError naming the file."""
    COUNTS["reads"] += 1
    with time_bound(CASE_SECONDS):
        try:
            result = call()
        except PaperkgError as exc:
            _check_error(exc, path)
            return exc
    return result


def load(path: Path, fmt: str | None) -> LoadResult | PaperkgError:
    result = expect_records_or_error(lambda: load_sources([path], fmt=fmt), path)
    if not isinstance(result, PaperkgError):
        _check_records(result, path)
    return result


def gazetteer(path: Path) -> Gazetteer | PaperkgError:
    result = expect_records_or_error(lambda: load_gazetteer([path]), path)
    if not isinstance(result, PaperkgError):
        assert isinstance(result, Gazetteer)
        list(result.find("We fine-tune BERT on SQuAD and compare with ZorbNet-7B."))
        result.key_of("ZorbNet")
    return result


def write(workdir: Path, data: bytes, name: str = "input") -> Path:
    path = workdir / name
    path.write_bytes(data)
    return path


def example() -> None:
    COUNTS["examples"] += 1


# --- JSON text with what json.dumps will not write -------------------------------------


class Raw(str):
    """JSON text written as is: NaN, -Infinity, integers longer than Python reads."""


@dataclasses.dataclass(frozen=True)
class Dup:
    """A second occurrence of ``key`` in an object (JSON allows it; the last one wins)."""

    key: str
    n: int = 1


def dump(value: Any, ensure_ascii: bool = True) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(
                f"{json.dumps(k.key if isinstance(k, Dup) else k, ensure_ascii=ensure_ascii)}: "
                f"{dump(v, ensure_ascii)}"
                for k, v in value.items()
            )
            + "}"
        )
    if isinstance(value, list):
        return "[" + ", ".join(dump(v, ensure_ascii) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ensure_ascii)


def encode(text: str) -> bytes:
    """UTF-8, lone surrogates written as their (invalid) three-byte forms."""
    return text.encode("utf-8", "surrogatepass")


def huge_int(digits: int, negative: bool = False) -> Raw:
    return Raw(("-" if negative else "") + "9" * digits)


TRICKY_STRINGS = [
    "",
    " ",
    "\u00a0",
    "\ufeff",
    "\u200b",
    "\x00",
    "\n\n",
    "\u2028",
    "null",
    "2024-02-30",
    "2024-13-45",
    "0000-00-00",
    "9999",
    "\u0662\u0660\u0662\u0664-\u0660\u0663-\u0660\u0662",  # Arabic-Indic digits
    "Mon, 1 Jan 100000000000000000000 00:00:00 GMT",
    "Mon, 1 Jan 2020 00:00:00 +99999999999999999999",
    "Mon, 1 Jan 2020 00:00:00 +9999",
    "Tue, 31 Feb 2026 09:00:00 GMT",
    "https://paperswithcode.com/paper/",
    "https://paperswithcode.com/method/x",
    "http://arxiv.org/abs/",
    "arxiv.org/abs/arxiv.org/abs/arxiv.org/abs/x",
    "https://openalex.org/",
    "https://doi.org/",
    "\ud800",
    "\udfff",
    "a\ud83d",
]

LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.builds(huge_int, st.integers(4280, 4400), st.booleans()),
    st.floats(),
    st.sampled_from([Raw("NaN"), Raw("Infinity"), Raw("-Infinity"), Raw("1e999"), Raw("-0.0")]),
    st.text(max_size=30),
    st.text(st.characters(categories=["Cs", "Zs", "Cf", "Cc"]), max_size=4),
    st.sampled_from(TRICKY_STRINGS),
)
SMALL = st.one_of(st.none(), st.integers(), st.text(max_size=6), st.floats())
WRONG = st.one_of(
    LEAVES,
    st.lists(SMALL, max_size=3),
    st.dictionaries(st.text(max_size=6), SMALL, max_size=3),
)

#: Every value a field can wrongly hold, for the exhaustive field-by-field test.
WRONG_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2**64,
    1.5,
    Raw("NaN"),
    Raw("Infinity"),
    Raw("-Infinity"),
    huge_int(5000),
    "",
    " ",
    "x",
    "\ud800",
    "Mon, 1 Jan 100000000000000000000 00:00:00 GMT",
    [],
    [None],
    [1, "x"],
    {},
    {"a": 1},
]

# --- the repo's fixtures as templates of each JSON format -------------------------------


def _first_entry(name: str) -> dict[str, Any]:
    text = FIXTURE_BYTES[name].decode("utf-8")
    if name.endswith(".jsonl"):
        return json.loads(text.splitlines()[0])
    data = json.loads(text)
    if isinstance(data, dict):
        data = data.get("results") or data.get("data")
    return data[0]


TEMPLATES: dict[str, dict[str, Any]] = {
    "hf-daily": _first_entry("hf_daily.json"),
    "semantic-scholar": _first_entry("s2.json"),
    "openalex": _first_entry("openalex.json"),
    "arxiv-jsonl": _first_entry("arxiv.jsonl"),
    "pwc-papers": _first_entry("papers-with-abstracts.json"),
    "pwc-links": _first_entry("links-between-papers-and-code.json"),
    "pwc-methods": _first_entry("methods.json"),
    "pwc-datasets": _first_entry("datasets.json"),
}
assert set(TEMPLATES) == set(JSON_FORMATS)

#: The document shapes each format comes in (first) and others to throw at it.
SHAPES = {
    "hf-daily": ["list", "object", "lines"],
    "semantic-scholar": ["list", "object", "data", "lines"],
    "openalex": ["results", "list", "object", "lines"],
    "arxiv-jsonl": ["lines", "list", "object"],
    "pwc-papers": ["list", "object", "lines"],
    "pwc-links": ["list", "object", "lines"],
    "pwc-methods": ["list", "object", "lines"],
    "pwc-datasets": ["list", "object", "lines"],
}


def field_paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every field of a template: object keys and the first two items of lists."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*prefix, key))
            found.extend(field_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value[:2]):
            found.append((*prefix, index))
            found.extend(field_paths(item, (*prefix, index)))
    return found


PATHS = {name: field_paths(template) for name, template in TEMPLATES.items()}


def mutate(record: dict[str, Any], path: tuple, action: str, value: Any = None) -> dict:
    """A copy of ``record`` with the field at ``path`` deleted, replaced or given twice."""
    record = copy.deepcopy(record)
    parent: Any = record
    for step in path[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return record
    last = path[-1]
    if isinstance(parent, dict) and last in parent:
        if action == "delete":
            del parent[last]
        elif action == "set":
            parent[last] = value
        else:  # duplicate key, the wrong value last (it wins)
            parent[Dup(last)] = value
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        if action == "delete":
            del parent[last]
        else:
            parent[last] = value
    return record


def document(records: list[Any], shape: str, ensure_ascii: bool = True) -> str:
    if shape == "lines":
        return "\n".join(dump(r, ensure_ascii) for r in records) + "\n"
    if shape == "object":
        return dump(records[0], ensure_ascii)
    if shape in ("data", "results"):
        return dump({shape: records}, ensure_ascii)
    return dump(records, ensure_ascii)


@st.composite
def mutated_record(draw: st.DrawFn, name: str) -> dict[str, Any]:
    record = TEMPLATES[name]
    for _ in range(draw(st.integers(0, 4))):
        path = draw(st.sampled_from(PATHS[name]))
        action = draw(st.sampled_from(["delete", "set", "set", "dup"]))
        record = mutate(record, path, action, draw(WRONG) if action != "delete" else None)
    return record


# --- arbitrary bytes and the fixtures damaged ------------------------------------------


@pytest.mark.parametrize("fmt", FORMAT_NAMES, ids=lambda f: f or "detect")
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes(workdir: Path, fmt: str | None, data: bytes):
    example()
    load(write(workdir, data), fmt)


@pytest.mark.parametrize("fmt", FORMAT_NAMES, ids=lambda f: f or "detect")
@given(
    name=st.sampled_from(sorted(FIXTURE_BYTES)),
    cut=st.floats(0, 1),
    compress=st.booleans(),
)
def test_truncated_fixtures(workdir: Path, fmt: str | None, name: str, cut: float, compress):
    example()
    data = FIXTURE_BYTES[name]
    data = data[: int(len(data) * cut)]
    load(write(workdir, gzip.compress(data, mtime=0) if compress else data), fmt)


@pytest.mark.parametrize("name", sorted(FIXTURE_BYTES))
def test_every_cut_of_every_fixture(workdir: Path, name: str):
    """Each fixture cut at every byte offset (``CUT_STRIDE``), detected; gzip-compressed and
    cut as well."""
    data = FIXTURE_BYTES[name]
    packed = gzip.compress(data, mtime=0)
    for end in [*range(0, len(data), CUT_STRIDE), len(data)]:
        COUNTS["plain"] += 1
        load(write(workdir, data[:end]), None)
    for end in range(0, len(packed) + 1, 7 * CUT_STRIDE):
        COUNTS["plain"] += 1
        load(write(workdir, packed[:end]), None)


@st.composite
def damaged_bytes(draw: st.DrawFn, source: dict[str, bytes] = FIXTURE_BYTES) -> bytes:
    data = bytearray(source[draw(st.sampled_from(sorted(source)))])
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "cut", "special"]))
        at = draw(st.integers(0, len(data)))
        if op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 200))] * draw(st.integers(1, 5))
        elif op == "cut":
            del data[at:]
        else:
            special = draw(
                st.sampled_from(
                    [
                        b"\x00",
                        codecs.BOM_UTF8,
                        codecs.BOM_UTF16_LE,
                        b"\r",
                        b"\r\n",
                        b"\xc3",  # a multi-byte character cut
                        b"\xed\xa0\x80",  # an encoded surrogate
                        b"\xff",
                        b"\\ud800",
                        b"[" * 1200,
                        b"9" * 4400,
                        b"NaN",
                        b"-Infinity",
                        b'"paperId": null, ',
                        b'"paper_url": "https://paperswithcode.com/paper/x", ',
                    ]
                )
            )
            data[at:at] = special
    return bytes(data)


@pytest.mark.parametrize("fmt", FORMAT_NAMES, ids=lambda f: f or "detect")
@slow_ok
@given(data=damaged_bytes())
def test_damaged_fixtures(workdir: Path, fmt: str | None, data: bytes):
    example()
    load(write(workdir, data), fmt)


ENCODINGS = [
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-be",
    "latin-1",
    "cp1252",
    "utf-8-sig",
    "utf-8",
]


@slow_ok
@given(
    name=st.sampled_from(sorted(FIXTURE_BYTES)),
    encoding=st.sampled_from(ENCODINGS),
    accents=st.lists(st.tuples(st.floats(0, 1), st.sampled_from("éüß—€ﬁ\u00a0")), max_size=4),
    bom_at=st.none() | st.floats(0, 1),
    compress=st.booleans(),
    fmt=st.sampled_from(FORMAT_NAMES),
)
def test_fixtures_in_other_encodings(workdir, name, encoding, accents, bom_at, compress, fmt):
    example()
    text = FIXTURE_BYTES[name].decode("utf-8")
    for where, char in accents:
        at = int(len(text) * where)
        text = text[:at] + char + text[at:]
    data = bytearray(text.encode(encoding, "replace"))
    if bom_at is not None:
        at = int(len(data) * bom_at)
        data[at:at] = codecs.BOM_UTF8
    data = bytes(data)
    load(write(workdir, gzip.compress(data, mtime=0) if compress else data), fmt)


# --- records of each format with wrong, missing and duplicated fields ------------------


@pytest.mark.parametrize("name", JSON_FORMATS)
@slow_ok
@given(data=st.data())
def test_records_with_wrong_fields(workdir: Path, name: str, data: st.DataObject):
    example()
    records = data.draw(st.lists(mutated_record(name), min_size=1, max_size=3), label="records")
    shape = data.draw(st.sampled_from(SHAPES[name]), label="shape")
    ascii_only = data.draw(st.booleans(), label="ensure_ascii")
    path = write(workdir, encode(document(records, shape, ascii_only)))
    load(path, None)
    load(path, data.draw(st.sampled_from([name, *JSON_FORMATS]), label="forced format"))


@pytest.mark.parametrize("name", JSON_FORMATS)
def test_every_field_missing_or_of_every_wrong_type(workdir: Path, name: str):
    """Exhaustive: each field of the format's record deleted, then set to each wrong value,
    with a good record before it; read detected and with the format forced."""
    good = TEMPLATES[name]
    for path in PATHS[name]:
        variants = [mutate(good, path, "delete")]
        variants += [mutate(good, path, "set", value) for value in WRONG_VALUES]
        variants += [mutate(good, path, "dup", None)]
        for record in variants:
            COUNTS["plain"] += 1
            file = write(workdir, encode(document([good, record], SHAPES[name][0])))
            load(file, None)
            load(file, name)


# --- arbitrary and deeply nested JSON -------------------------------------------------

KEYS = sorted(
    {str(step) for paths in PATHS.values() for path in paths for step in path}
    | {"data", "results", "entries", "name", "kind", "aliases", "case_sensitive"}
)
JSON_VALUES = st.recursive(
    LEAVES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=6)
    ),
    max_leaves=25,
)


@pytest.mark.parametrize("fmt", FORMAT_NAMES, ids=lambda f: f or "detect")
@slow_ok
@given(values=st.lists(JSON_VALUES, min_size=1, max_size=3), lines=st.booleans())
def test_arbitrary_json(workdir: Path, fmt: str | None, values: list[Any], lines: bool):
    example()
    text = "\n".join(dump(v) for v in values) if lines else dump(values[0])
    load(write(workdir, encode(text)), fmt)


OPENERS = {"[": "]", '{"a": ': "}", '{"paper": ': "}", '[{"title": ': "}]", '{"entries": ': "}"}


def nested(depth: int, opener: str, core: str = "1") -> str:
    return opener * depth + core + OPENERS[opener] * depth


@slow_ok
@given(
    depth=st.integers(1, 1500) | st.integers(1500, 200_000),
    opener=st.sampled_from(sorted(OPENERS)),
    inside=st.none() | st.sampled_from(JSON_FORMATS),
    fmt=st.sampled_from(FORMAT_NAMES),
    closed=st.booleans(),
)
def test_deeply_nested_json(workdir, depth, opener, inside, fmt, closed):
    """Nesting past what ``json`` can parse (about 1,000 levels) alone or as a field of a good
    record; closed or not."""
    example()
    deep = nested(depth, opener) if closed else opener * depth
    if inside is None:
        text = deep
    else:
        record = dict(TEMPLATES[inside])
        record["title" if "title" in record else next(iter(record))] = Raw(deep)
        text = document([record], SHAPES[inside][0])
    path = write(workdir, encode(text))
    load(path, fmt)
    gazetteer(path)


# --- listing pages ----------------------------------------------------------------------

LISTING_LINES = st.one_of(
    st.sampled_from(
        [
            "",
            "   ",
            "new",
            "Subscribe",
            "Mar 5",
            "Mar 5, 2024",
            "March 5 2024",
            "Feb 30, 2024",
            "Sept 31",
            "Dec 99, 9999",
            "2024-02-30",
            "2024-13-45",
            "\ufeffMar 5",
            "Mar\u00a05",
            "\u0662\u0660\u0662\u0664-\u0660\u0663-\u0660\u0662",
            "A Title Line",
            "An abstract line. It has sentences.",
            "\x0b\x0c\x1c\u2028",
        ]
    ),
    st.text(max_size=100),
    st.builds(lambda n: "x" * n, st.integers(70, 90) | st.integers(490, 510)),
)


@slow_ok
@given(
    lines=st.lists(LISTING_LINES, max_size=40),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    fmt=st.sampled_from([None, "hf-listing"]),
)
def test_listing_pages(workdir: Path, lines: list[str], newline: str, fmt: str | None):
    example()
    load(write(workdir, encode(newline.join(lines))), fmt)


# --- the gazetteer a user passes with --gazetteer -------------------------------------

ENTRY_FIELDS = {
    "name": st.one_of(
        st.text(max_size=30), st.text(min_size=150, max_size=800), WRONG, st.just("BERT")
    ),
    "kind": st.one_of(st.sampled_from(["method", "dataset"]), WRONG),
    "aliases": st.one_of(st.lists(st.text(max_size=300), max_size=4), WRONG),
    "case_sensitive": st.one_of(st.booleans(), WRONG),
}


@st.composite
def gazetteer_document(draw: st.DrawFn) -> str:
    entries = []
    for _ in range(draw(st.integers(0, 6))):
        entry = {}
        for key, values in ENTRY_FIELDS.items():
            if draw(st.integers(0, 4)):
                entry[key] = draw(values)
        if draw(st.booleans()) and entry:
            entry[Dup(next(iter(entry)))] = draw(WRONG)
        entries.append(entry if draw(st.integers(0, 9)) else draw(WRONG))
    top: Any = {"version": 1, "entries": entries}
    if not draw(st.integers(0, 9)):
        top = draw(st.sampled_from([entries, {"entries": draw(WRONG)}, draw(WRONG)]))
    return dump(top, draw(st.booleans()))


@slow_ok
@given(text=gazetteer_document())
def test_gazetteer_documents(workdir: Path, text: str):
    example()
    gazetteer(write(workdir, encode(text), "gazetteer.json"))


@slow_ok
@given(
    data=st.binary(max_size=1024)
    | damaged_bytes({"gazetteer.json": GAZETTEER_BYTES})
    | st.builds(lambda cut: GAZETTEER_BYTES[: int(len(GAZETTEER_BYTES) * cut)], st.floats(0, 1))
    | st.builds(
        lambda enc: GAZETTEER_BYTES.decode("utf-8").encode(enc, "replace"),
        st.sampled_from(ENCODINGS),
    )
)
def test_gazetteer_bytes(workdir: Path, data: bytes):
    example()
    gazetteer(write(workdir, data, "gazetteer.json"))
