"""A real headless Chromium (Debian's, driven by Playwright) for the HTML view tests and the
README screenshots. Records console errors, network requests and dialogs of each page."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    """Debian's Chromium; its absence is a set-up failure (make test installs it)."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("Chromium not found: apt-get install chromium (make test does this)")


@dataclass
class Visit:
    """A loaded page and what it did while loading."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextmanager
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def visit(
    chromium: Browser, path: Path, *, width: int = 1280, height: int = 800, graph: bool = True
) -> Visit:
    """Open ``path`` as a file URL and wait until the network object exists (with
    ``graph``; a site's list pages have none)."""
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    record = Visit(page)
    page.on(
        "console", lambda m: record.console_errors.append(m.text) if m.type == "error" else None
    )
    page.on("pageerror", lambda e: record.console_errors.append(str(e)))
    page.on("request", lambda r: record.requests.append(r.url))

    def on_dialog(dialog) -> None:  # a dialog means injected script ran
        record.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(path.resolve().as_uri())
    if graph:
        page.wait_for_function("window.paperkgNetwork !== undefined", timeout=30_000)
        page.wait_for_timeout(500)
    return record


def open_neo4j_browser(chromium, url: str, uri: str, password: str):
    """A fresh tab of the Neo4j Browser at ``url``, connected to ``uri`` through its
    connect form; returns the page and the list its script errors go to."""
    context = chromium.new_context(
        viewport={"width": 1400, "height": 1000}, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    host = uri.split("://", 1)[1]
    page.goto(f"{url}?dbms=bolt://neo4j@{host}&db=neo4j")
    page.fill("[data-testid=password]", password)
    page.click("[data-testid=connect]")
    page.wait_for_selector("text=You are connected as user")
    return page, errors


#: A query frame has finished: its rows streamed, nothing returned, or an error.
FINISHED = r"completed after|no changes, no records|Displaying \d+ nodes|ERROR"


def run_in_neo4j_browser(page, text: str, finished: str | None = FINISHED) -> str:
    """Paste ``text`` into the editor (as a user pastes a file's content), run it with
    Ctrl+Enter, and return the new frame's text once it shows ``finished`` (a regular
    expression; None: a command frame, given a moment)."""
    frames = page.locator("[data-testid=frame]")
    page.click("[data-testid=activeEditor]")
    page.keyboard.type(":clear")  # one frame on the page: the one this run makes
    page.keyboard.press("Escape")  # the editor's suggestions would take the Enter
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => !document.querySelector('[data-testid=frame]')")
    page.evaluate("t => navigator.clipboard.writeText(t)", text)
    page.keyboard.press("Control+V")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-testid=frame]")
    if finished is None:
        page.wait_for_timeout(800)
    else:
        page.wait_for_function(
            "re => new RegExp(re).test(document.querySelector('[data-testid=frame]').innerText)",
            arg=finished,
            timeout=30_000,
        )
    return frames.first.inner_text()
