"""Normalization: what is set aside before observations are compared or checked.

- The addresses a run happened to get (the origin's URL and authority, the server's authority)
  become `{origin}`, `{origin-authority}` and `{server-authority}`, so runs on different ports
  compare. Observations keep them as seen (`Observation.endpoints`); the judge works on a copy.
- A scenario's `[scenario.normalize]` masks hide output the user knows to vary.
- Header names compare case-insensitively, lines grouped by name (RFC 9110 5.1, 5.3), and the
  transport headers engines add themselves are set aside (see diff.py for the notes they leave).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable

from portcheck.model.observation import TRANSPORT_HEADERS, Header, Observation

MASK = "<masked>"


def with_placeholders(observation: Observation) -> Observation:
    """A copy of the observation with its endpoints replaced by their placeholders."""
    normalized = copy.deepcopy(observation)
    for placeholder, text in observation.endpoints:
        # Not followed by a digit: port 4000 must not match inside port 40001.
        pattern = re.compile(re.escape(text) + r"(?!\d)")
        normalized.map_text(lambda value, p=pattern, new=placeholder: p.sub(new, value))
    return normalized


def masked(text: str, patterns: Iterable[str]) -> str:
    for pattern in patterns:
        text = re.sub(pattern, MASK, text)
    return text


def body_text(body: bytes | None, patterns: Iterable[str]) -> str | None:
    if body is None:
        return None
    return masked(body.decode("utf-8", "surrogateescape"), patterns)


def by_name(headers: list[Header], skip: frozenset[str] = TRANSPORT_HEADERS) -> dict[str, list[str]]:
    """Header values grouped by lower-cased name, in order, without the names in `skip`."""
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        if name.lower() not in skip:
            grouped.setdefault(name.lower(), []).append(value)
    return grouped
