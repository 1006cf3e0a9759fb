"""Keeping the cache small: remove the least recently used entries first.

Entries are of two sorts. Artifacts (built components, compiled and transpiled forms, WIT
folders: whatever `cache.artifact` wrote, with its digest record) are remade on demand in
seconds. Tools (engine binaries, runtimes, npm packages) take a download: one that the current
matrix pins is removed only when asked, and the cap a run keeps removes artifacts only. An
entry's last use is the time of its lock file, which every use touches (`cache.touch`).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from portcheck import cache
from portcheck.cache import integrity

# Folders of artifacts inside a tool's entry: jco's output lives under jco's own install so
# that the runtime finds its shim by walking up.
NESTED_ARTIFACTS = ("prepared", "transpiled", "transpiled-p3")
DEFAULT_MAX_SIZE = 5 * 1024**3  # what a run keeps the artifacts under, unless told otherwise
MAX_SIZE_VARIABLE = "PORTCHECK_CACHE_MAX_SIZE"
SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*$", re.I)
UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


@dataclass(frozen=True)
class Entry:
    path: Path
    size: int
    last_used: float  # seconds since the epoch
    artifact: bool  # remade on demand (it has a digest record), not a downloaded tool


def parse_size(text: str) -> int | None:
    """`500M`, `2G`, `1.5GB`, `1073741824`: a size in bytes (None if it is not one)."""
    found = SIZE.match(text)
    return None if found is None else int(float(found.group(1)) * UNITS[found.group(2).upper()])


def size_of(path: Path, skip: Collection[str] = ()) -> int:
    if path.is_file():
        return path.stat().st_size
    total = 0
    for folder, folders, files in os.walk(path):
        folders[:] = [name for name in folders if not (Path(folder) == path and name in skip)]
        total += sum((Path(folder) / name).lstat().st_size for name in files)
    return total


def last_use(path: Path) -> float:
    lock = cache.lock_of(path)
    return (lock if lock.exists() else path).stat().st_mtime


def is_bookkeeping(path: Path) -> bool:
    return path.name.endswith((".lock", integrity.SUFFIX)) or path.name.startswith(".tmp-")


def children(folder: Path) -> list[Path]:
    return sorted(item for item in folder.iterdir() if not is_bookkeeping(item)) if folder.is_dir() else []


def entry(path: Path, skip: Collection[str] = ()) -> Entry:
    return Entry(path, size_of(path, skip), last_use(path), integrity.record_of(path).exists())


def entries(root: Path, artifacts_only: bool = False) -> list[Entry]:
    """Every entry of the cache, artifacts nested in tools included (each counted once).

    `artifacts_only` leaves tools out without measuring them (an npm install is thousands of files).
    """
    found: list[Entry] = []
    for part in children(root):
        for item in children(part) if part.is_dir() else []:
            if not artifacts_only or integrity.record_of(item).exists():
                found.append(entry(item, NESTED_ARTIFACTS))
            for nested in NESTED_ARTIFACTS if item.is_dir() else ():
                found += [entry(path) for path in children(item / nested)]
    return found


def choose(
    found: list[Entry],
    older_than: float | None,
    max_size: int | None,
    pinned: Collection[Path],
    keep_used_since: float | None = None,
    artifacts_only: bool = False,
) -> list[Entry]:
    """What to remove: entries unused for `older_than` seconds, then the least recently used
    until the rest fits in `max_size`; never a pinned tool (nor what holds one), nor an entry
    used since `keep_used_since`, nor with `artifacts_only` any tool."""
    now = time.time()

    def removable(entry: Entry) -> bool:
        if keep_used_since is not None and entry.last_used >= keep_used_since:
            return False
        if artifacts_only and not entry.artifact:
            return False
        return not any(entry.path == path or entry.path in path.parents for path in pinned)

    chosen = [e for e in found if removable(e) and older_than is not None and now - e.last_used > older_than]
    if max_size is not None:
        total = sum(entry.size for entry in found) - sum(entry.size for entry in chosen)
        for entry in sorted(found, key=lambda entry: entry.last_used):
            if total <= max_size:
                break
            if entry not in chosen and removable(entry):
                chosen.append(entry)
                total -= entry.size
    return chosen


def remove(chosen: list[Entry]) -> int:
    """Remove the entries (each under its lock, so that no process is making it); bytes freed."""
    for entry in chosen:
        with cache.locked(entry.path):
            cache.remove(entry.path)
    return sum(entry.size for entry in chosen)


def default_max_size() -> int:
    text = os.environ.get(MAX_SIZE_VARIABLE)
    parsed = parse_size(text) if text else None
    return parsed if parsed else DEFAULT_MAX_SIZE
