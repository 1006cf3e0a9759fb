"""Long strings of an api-sequences case arrive as runs of one character (portcheck/fuzz/api_sequences.py,
`packed`), so that a case fits in one environment variable; this expands them back."""

from __future__ import annotations

from typing import Any


def unpacked(value: Any) -> Any:
    if isinstance(value, list):
        return [unpacked(item) for item in value]
    if isinstance(value, dict) and "runs" in value:
        return "".join(char * count for char, count in value["runs"])
    return value
