"""URL normalisation on real-world shapes of scraped abstract links."""

from __future__ import annotations

import pytest

from paperkg.graph.extract.urls import Link, Repo, find_links

GH = "https://github.com/"
CASES = [
    ("code at https://github.com/acme/tool.", GH + "acme/tool", "code"),
    ("(code: https://github.com/acme/tool)", GH + "acme/tool", "code"),
    ("see https://github.com/acme/tool, and more", GH + "acme/tool", "code"),
    ("see https://github.com/acme/tool; also", GH + "acme/tool", "code"),
    ("[https://github.com/acme/tool]", GH + "acme/tool", "code"),
    ("[code](https://github.com/acme/tool)", GH + "acme/tool", "code"),
    (r"\url{https://github.com/acme/tool}", GH + "acme/tool", "code"),
    ("https://github.com/acme/tool}{here}.", GH + "acme/tool", "code"),
    ("https://github.com/acme/tool{here}", GH + "acme/tool", "code"),
    ("http://github.com/acme/tool", GH + "acme/tool", "code"),
    ("https://GitHub.com/Acme/Tool", GH + "acme/tool", "code"),
    ("https://www.github.com/acme/tool", GH + "acme/tool", "code"),
    ("https://github.com/acme/tool.git", GH + "acme/tool", "code"),
    ("https://github.com/acme/tool/tree/main/src/model", GH + "acme/tool", "code"),
    ("https://github.com/acme/tool/blob/main/README.md.", GH + "acme/tool", "code"),
    ("https://github.com/acme/tool/", GH + "acme/tool", "code"),
    ("https://github.com/acme/tool#readme", GH + "acme/tool", "code"),
    ("https;//github.com/acme/tool", GH + "acme/tool", "code"),
    ("available at github.com/acme/tool.", GH + "acme/tool", "code"),
    ("https://github.com/acme/tool.v2.", GH + "acme/tool.v2", "code"),
    ("https://gitlab.com/grp/sub/proj/-/tree/main", "https://gitlab.com/grp/sub/proj", "code"),
    ("https://codeberg.org/someone/thing.", "https://codeberg.org/someone/thing", "code"),
    ("https://bitbucket.org/team/repo/src/master/", "https://bitbucket.org/team/repo", "code"),
    ("https://huggingface.co/acme/model-7b.", "https://huggingface.co/acme/model-7b", "model"),
    (
        "https://huggingface.co/datasets/acme/data-2k)",
        "https://huggingface.co/datasets/acme/data-2k",
        "dataset",
    ),
    (
        "https://huggingface.co/spaces/acme/demo/tree/main",
        "https://huggingface.co/spaces/acme/demo",
        "space",
    ),
    (
        "https://huggingface.co/acme/model/blob/main/config.json",
        "https://huggingface.co/acme/model",
        "model",
    ),
]
LINKS = [
    ("project page: https://acme-lab.example.org/project.", "https://acme-lab.example.org/project"),
    ("https://arxiv.org/abs/2401.01234,", "https://arxiv.org/abs/2401.01234"),
    ("https://Example.COM/Path/Page)", "https://example.com/Path/Page"),
    ("https://github.com/acme", "https://github.com/acme"),
    ("https://github.com/orgs/acme/people", "https://github.com/orgs/acme/people"),
    ("https://huggingface.co/papers/2401.01234", "https://huggingface.co/papers/2401.01234"),
    ("(see https://acme.example.org/a_(b)_c)", "https://acme.example.org/a_(b)_c"),
]


@pytest.mark.parametrize(("text", "url", "kind"), CASES)
def test_repos_are_normalised_to_their_root(text: str, url: str, kind: str):
    (found,) = find_links(text)
    assert isinstance(found, Repo)
    assert (found.url, found.kind) == (url, kind)
    assert not found.url.endswith((".", ")", "]", ",", ";", "/"))
    assert not any(c in found.url for c in "{} ")


@pytest.mark.parametrize(("text", "url"), LINKS)
def test_other_urls_stay_links(text: str, url: str):
    (found,) = find_links(text)
    assert isinstance(found, Link) and found.url == url


def test_two_urls_in_one_abstract_and_duplicates_once():
    text = (
        "Code: https://github.com/a/b. Weights: https://huggingface.co/a/b-base; "
        "mirror https://github.com/A/B/tree/dev."
    )
    found = find_links(text)
    assert [f.url for f in found] == ["https://github.com/a/b", "https://huggingface.co/a/b-base"]
    assert [f.owner for f in found if isinstance(f, Repo)] == ["a", "a"]


def test_no_urls():
    assert find_links("A plain abstract with e.g. numbers 3.5 and a.b.c but no links.") == []
