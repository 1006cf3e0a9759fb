"""What the generic guests print, read back: one `Record` per case.

Every line is `key: value` or `key 'name': value`, values as Python (or JSON) literals, as
portcheck/scenarios/guests_fuzz/show.py prints them. A line that does not read so is kept whole.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

LINE = re.compile(
    r"""^(?P<key>[a-z][a-z-]*)(?: (?P<name>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))?: (?P<value>.*)$"""
)
OUTCOME_KEYS = ("handle", "response")  # an error instead of a response


@dataclass
class Record:
    entries: list[tuple[str, bytes]] = field(default_factory=list)
    gets: dict[str, list[bytes]] = field(default_factory=dict)
    scalars: dict[tuple[str, str | None], str] = field(default_factory=dict)  # (key, name) -> text
    other: list[str] = field(default_factory=list)  # lines that are not `key: value`

    @property
    def outcome(self) -> str:
        """`status` when a response came; otherwise the error that came instead (payload left out)."""
        if ("status", None) in self.scalars:
            return "status"
        for key in OUTCOME_KEYS:
            if (key, None) in self.scalars:
                return f"{key} {without_payload(self.scalars[key, None])}"
        return "nothing"


def literal(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except Exception:  # a line the engine mangled (TypeError for `{[]: 1}`, say): kept as text
        return text


def as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogateescape")


def without_payload(text: str) -> str:
    """error-code.dns-error(DnsErrorPayload(...)) -> error-code.dns-error; nested parts too."""
    return re.sub(r"\((?:[^()]|\([^()]*\))*\)", "", text).strip()


def parse(text: str) -> Record:
    record = Record()
    for line in text.splitlines():
        found = LINE.match(line)
        if found is None:
            record.other.append(line)
            continue
        key, value = found["key"], found["value"]
        name = literal(found["name"]) if found["name"] else None
        if key == "entry" and name is not None:
            record.entries.append((str(name), as_bytes(literal(value))))
        elif key == "get" and name is not None:
            parsed = literal(value)
            record.gets[str(name).lower()] = (
                [as_bytes(item) for item in parsed] if isinstance(parsed, list) else []
            )
        else:
            record.scalars.setdefault((key, None if name is None else str(name)), value)
    return record


def looks_like_record(text: str) -> bool:
    """Whether a text was printed by a generic guest (most lines read as `key: value`)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and sum(1 for line in lines if LINE.match(line)) * 2 > len(lines)
