"""portcheck's cache folder: content-addressed entries, created once, atomically.

Each entry is made under a temporary name and renamed into place, under a lock file, so two
portcheck processes (or two threads of one) never see a half-written entry or build it twice.
Artifacts (components, compiled and transpiled forms: `artifact`) are also checked against the
digest recorded when they were written before their first use, and made again if damaged.
Every use touches the entry's lock file: its time is the entry's last use, for `prune`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from portcheck.cache import integrity
from portcheck.console import say


def root() -> Path:
    """$PORTCHECK_CACHE, else $XDG_CACHE_HOME/portcheck, else ~/.cache/portcheck."""
    if explicit := os.environ.get("PORTCHECK_CACHE"):
        return Path(explicit).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser().resolve() / "portcheck"


def digest(*parts: bytes | str) -> str:
    """A stable key for the given parts (their boundaries count, not just their concatenation)."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()[:32]


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()[:32]


def lock_of(target: Path) -> Path:
    return target.with_name(target.name + ".lock")


@contextlib.contextmanager
def locked(target: Path) -> Iterator[None]:
    lock_path = lock_of(target)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def touch(target: Path) -> None:
    """Note a use of the entry (its lock file's time), so that pruning removes the least used first."""
    with contextlib.suppress(OSError):
        os.utime(lock_of(target))


def produce(target: Path, make: Callable[[Path], None], *, checked: bool = False) -> Path:
    """Return `target`, calling `make(temporary_path)` first if it does not exist yet.

    `make` writes a file or a directory at the temporary path; it is renamed to `target` only
    when `make` returns, so a failure or a crash leaves nothing behind under the real name.
    `checked`: record the content digest too, and make the entry again if it no longer matches.
    """
    if target.exists() and not (checked and not trusted(target)):
        touch(target)
        return target
    with locked(target):
        if target.exists() and checked and (problem := integrity.problem_with(target)):
            say(f"cache entry {target} cannot be trusted ({problem}): making it again")
            remove(target)
        if target.exists():  # made (or mended) meanwhile by another process
            touch(target)
            return target
        # Same suffix as the target: tools that check the extension of their output accept it.
        temporary = target.with_name(f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}-{target.name}")
        try:
            make(temporary)
            if checked:
                integrity.write_record(target, temporary)
            os.replace(temporary, target)
        finally:
            remove(temporary)
    with _trusted_lock:
        _trusted.add(target)
    return target


def artifact(target: Path, make: Callable[[Path], None]) -> Path:
    """`produce` for what engines load (components, compiled, transpiled): checked before first use."""
    return produce(target, make, checked=True)


_trusted: set[Path] = set()  # artifacts checked (or written) by this process
_trusted_lock = threading.Lock()


def trusted(target: Path) -> bool:
    """Whether the artifact's bytes were checked in this process already, or check now."""
    with _trusted_lock:
        if target in _trusted:
            return True
    if integrity.problem_with(target) is not None:
        return False
    with _trusted_lock:
        _trusted.add(target)
    return True


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    with contextlib.suppress(FileNotFoundError):
        integrity.record_of(path).unlink()


def usage(root: Path) -> list[tuple[Path, int, int]]:
    """Each top-level part of the cache with its number of entries and its size in bytes."""
    if not root.is_dir():
        return []
    parts = []
    for part in sorted(path for path in root.iterdir() if path.is_dir()):
        entries = sum(1 for child in part.iterdir() if not child.name.endswith((".lock", integrity.SUFFIX)))
        size = sum(
            file.stat().st_size for file in part.rglob("*") if file.is_file() and not file.is_symlink()
        )
        parts.append((part, entries, size))
    return parts
