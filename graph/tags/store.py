"""The tags of one snapshot folder: read, and changed one whole file at a time.

Every change reads the file, changes it and writes it back while holding the snapshot lock
(graph/snapshot/lock.py), so changes from several processes queue instead of losing each
other's papers, and no build carries the file over half-way. The file is replaced atomically
(paperkg/atomic.py): a kill leaves the previous file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from paperkg import atomic
from paperkg.errors import NotFoundError, ParameterError, SnapshotError, TagsError
from paperkg.graph.snapshot.lock import snapshot_lock
from paperkg.graph.tags.file import decode_tags, encode_tags
from paperkg.graph.tags.model import TAGS_FILE, Tag, TagChange, TaggedPaper, check_tag_name

__all__ = ["LOCK_WAIT", "TagStore", "unknown_tag"]

#: Seconds a tag change waits for the snapshot lock (a build, another change) before failing.
LOCK_WAIT = 30.0


def unknown_tag(name: str, tags: dict[str, Tag]) -> NotFoundError:
    """The error for a tag that does not exist, naming those that do."""
    known = ", ".join(sorted(tags)) or "none yet"
    return NotFoundError(f"no tag {name!r} in this snapshot (tags: {known})")


class TagStore:
    """The tags file of the snapshot folder ``out`` (``out/tags.json``)."""

    def __init__(self, out: Path, *, wait: float = LOCK_WAIT) -> None:
        self.out = Path(out)
        self.path = self.out / TAGS_FILE
        self.wait = wait

    def read(self) -> dict[str, Tag]:
        """Every tag by name; {} when there is no file; ``TagsError`` when it is damaged."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise TagsError(f"cannot read {self.path}: {reason}") from exc
        return decode_tags(text, self.path)

    def add(
        self, name: str, papers: Sequence[tuple[str, str]], *, negative: bool = False
    ) -> TagChange:
        """Tag ``papers`` (``(id, title)`` pairs) with ``name``, thumbs down if ``negative``;
        a paper tagged with the other sign moves over. The tag is made when new."""
        check_tag_name(name)
        if not papers:
            raise ParameterError("papers: name at least one paper to tag", param="papers")
        with self._changing() as tags:
            _check_case(name, tags)
            old = tags.get(name, Tag(name, [], []))
            mine, other = (old.negative, old.positive) if negative else (old.positive, old.negative)
            mine, other = list(mine), list(other)
            now = datetime.now(UTC).isoformat(timespec="seconds")
            change = TagChange(name, [], [], [], [])
            for paper_id, title in dict(papers).items():
                if any(p.id == paper_id for p in mine):
                    change.unchanged.append(paper_id)
                    continue
                moved = [p for p in other if p.id == paper_id]
                other = [p for p in other if p.id != paper_id]
                (change.moved if moved else change.added).append(paper_id)
                mine.append(TaggedPaper(paper_id, title, now))
            positive, negative_ = (other, mine) if negative else (mine, other)
            tags[name] = Tag(name, positive, negative_)
        return change

    def remove(self, name: str, ids: Sequence[str] | None = None) -> TagChange:
        """Untag ``ids`` from ``name`` (None: delete the whole tag); a tag left with no
        papers is deleted. ``NotFoundError`` naming the tags there are when none is ``name``."""
        with self._changing() as tags:
            if name not in tags:
                raise unknown_tag(name, tags)
            old = tags[name]
            tagged = [*old.positive_ids(), *old.negative_ids()]
            wanted = tagged if ids is None else list(dict.fromkeys(ids))
            gone = set(wanted) & set(tagged)
            change = TagChange(
                name, [], [], [i for i in wanted if i in gone], [i for i in wanted if i not in gone]
            )
            positive = [p for p in old.positive if p.id not in gone]
            negative = [p for p in old.negative if p.id not in gone]
            if positive or negative:
                tags[name] = Tag(name, positive, negative)
            else:
                del tags[name]
        return change

    @contextlib.contextmanager
    def _changing(self) -> Iterator[dict[str, Tag]]:
        """The tags to change in place, written back (when changed) under the snapshot lock."""
        if not self.out.is_dir():
            raise SnapshotError(f"no snapshot at {self.out}: build one first (paperkg build)")
        with snapshot_lock(self.out, wait=self.wait):
            _remove_killed_writes(self.path)
            tags = self.read()
            before = encode_tags(tags)
            yield tags
            text = encode_tags(tags)
            if text != before:
                try:
                    atomic.write_file(self.path, text)
                    atomic.fsync_folder(self.out)
                except OSError as exc:
                    raise TagsError(
                        f"cannot write {self.path}: {exc.strerror or exc}; your tags are unchanged"
                    ) from exc


def _check_case(name: str, tags: dict[str, Tag]) -> None:
    """Refuse a new tag whose name differs from an existing one only in case."""
    if name in tags:
        return
    for other in tags:
        if other.casefold() == name.casefold():
            raise TagsError(
                f"tag {name!r} differs from the existing tag {other!r} only in case: use {other!r}"
            )


def _remove_killed_writes(path: Path) -> None:
    """Temporary files of tag writes that were killed before their rename (we hold the lock:
    no other write is under way)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()
