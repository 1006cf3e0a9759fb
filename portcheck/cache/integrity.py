"""What an artifact's bytes were when it was written, so that a damaged one is rebuilt, not run.

A full disk, a half-restored CI cache or a killed copy leaves a truncated `.cwasm` or core
module under its real name; an engine that loads it fails, and that failure would be blamed on
the engine. So each artifact gets a record of its content digest beside it when it is written,
and is checked against it before its first use in a process.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

SUFFIX = ".sha256"


def record_of(target: Path) -> Path:
    return target.with_name(target.name + SUFFIX)


def content_digest(path: Path) -> str:
    """A file's bytes, or a folder's files (their names and bytes); symbolic links are not followed."""
    hasher = hashlib.sha256()
    if path.is_file():
        files = [path]
    else:
        files = sorted(item for item in path.rglob("*") if item.is_file() and not item.is_symlink())
    for file in files:
        hasher.update(str(file.relative_to(path) if file != path else "").encode() + b"\0")
        with file.open("rb") as handle:
            hasher.update(hashlib.file_digest(handle, "sha256").digest())
    return hasher.hexdigest()


def write_record(target: Path, made: Path) -> None:
    """Record `made`'s digest as `target`'s, before `made` is renamed to `target`."""
    record = record_of(target)
    temporary = record.with_name(f".tmp-{os.getpid()}-{record.name}")
    temporary.write_text(content_digest(made) + "\n")
    os.replace(temporary, record)


def problem_with(target: Path) -> str | None:
    """Why `target` cannot be trusted (None: its bytes are those it was written with)."""
    record = record_of(target)
    try:
        expected = record.read_text().strip()
    except OSError:
        return "it has no digest record"
    if content_digest(target) != expected:
        return "its bytes no longer match the digest recorded when it was written"
    return None
