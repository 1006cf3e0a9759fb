"""How long each task took last time, remembered in the cache, so that long cells start first."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from portcheck import cache

FILE = "durations.json"
LIMIT = 20000  # entries kept: plenty for every matrix a machine runs, small to read


def memory_file() -> Path:
    return cache.root() / FILE


def recalled() -> dict[str, float]:
    """Task key -> seconds, as last measured (nothing if never measured or unreadable)."""
    try:
        data = json.loads(memory_file().read_text())
    except (OSError, ValueError):
        return {}
    return {str(key): float(value) for key, value in data.items()} if isinstance(data, dict) else {}


def remember(measured: Mapping[str, float]) -> None:
    """Keep these durations (newest last, so the oldest go first past LIMIT); atomically."""
    target = memory_file()
    with contextlib.suppress(OSError), cache.locked(target):
        known = {key: value for key, value in recalled().items() if key not in measured}
        known.update({key: round(seconds, 3) for key, seconds in measured.items()})
        kept = dict(list(known.items())[-LIMIT:])
        temporary = target.with_name(f".tmp-{os.getpid()}-{FILE}")
        temporary.write_text(json.dumps(kept))
        os.replace(temporary, target)
