"""A divergence's signature: which fields differ and how, with values and indices abstracted.

The judge names each difference by its field path (responses[0].headers[set-cookie]) with both
values; here each becomes an `Element`: a signature such as
`responses[*].headers[set-cookie]: only the last kept`, and the concrete path it came from (for
`[[known]]` entries). A guest's printed record (a client's stdout, the echo guest's body) is read
back line by line (records.py), so that one case can show several findings, each its own bucket.
Consequences are folded into their cause: an error instead of a response hides everything after
it; a server that died is part of the exchange that killed it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from portcheck.fuzz import records
from portcheck.fuzz.change import (
    bytes_change,
    lines_change,
    name_class,
    outline_class,
    status_class,
)
from portcheck.judge.normalize import by_name
from portcheck.model import fields
from portcheck.model.observation import Observation, encode_header
from portcheck.model.report import Difference

Refine = Callable[[str, str, str], list[str] | None]  # (where, baseline text, engine text) -> signatures


@dataclass(frozen=True)
class Element:
    signature: str
    field: str  # the concrete field path the judge named


def text(value: Any) -> str:
    return "" if value is None else str(value)


def as_lines(value: Any) -> list[bytes]:
    return [encode_header(str(item)) for item in value] if isinstance(value, list) else []


def entry_groups(entries: list[tuple[str, bytes]]) -> dict[str, list[bytes]]:
    grouped: dict[str, list[bytes]] = {}
    for name, value in entries:
        grouped.setdefault(name.lower(), []).append(value)
    return grouped


def compare_entries(base: list[tuple[str, bytes]], engine: list[tuple[str, bytes]], where: str) -> list[str]:
    ours, theirs = entry_groups(base), entry_groups(engine)
    found = [
        f"{where}entries[{name_class(name)}]: {lines_change(ours.get(name, []), theirs.get(name, []))}"
        for name in dict.fromkeys([*ours, *theirs])
        if ours.get(name, []) != theirs.get(name, [])
    ]
    if found:
        return found
    if [name.lower() for name, _ in base] != [name.lower() for name, _ in engine]:
        return [f"{where}entries: names in another order"]
    if [name for name, _ in base] != [name for name, _ in engine]:
        return [f"{where}entries: names in another case"]
    return []


def compare_records(base: records.Record, engine: records.Record, where: str) -> list[str]:
    if base.outcome != engine.outcome:
        return [f"{where}outcome: {base.outcome} vs {engine.outcome}"]  # the rest follows from it
    found = compare_entries(base.entries, engine.entries, where)
    entry_changes = {item.split("]: ", 1)[1] for item in found if "entries[" in item}
    for name in dict.fromkeys([*base.gets, *engine.gets]):
        ours, theirs = base.gets.get(name, []), engine.gets.get(name, [])
        if ours != theirs and (change := lines_change(ours, theirs)) not in entry_changes:
            found.append(f"{where}get[{name_class(name)}]: {change}")
    for key in dict.fromkeys([*base.scalars, *engine.scalars]):
        ours, theirs = base.scalars.get(key), engine.scalars.get(key)
        if ours != theirs:
            found.append(scalar_change(where, key, ours, theirs))
    if base.other != engine.other:
        found.append(f"{where}lines: differ")
    return found


def scalar_change(where: str, key: tuple[str, str | None], base: str | None, engine: str | None) -> str:
    label = key[0] if key[1] is None else f"{key[0]}[{name_class(key[1])}]"
    if key[0] == "status":
        return f"{where}status: {status_class(base)} vs {status_class(engine)}"
    if key[0] == "body" and base is not None and engine is not None:
        (data, ending), (theirs, their_ending) = split_body(base), split_body(engine)
        if ending != their_ending:
            ours, theirs_ = records.without_payload(ending), records.without_payload(their_ending)
            return f"{where}body end: {ours} vs {theirs_}"
        return f"{where}body: {bytes_change(encode_header(data), encode_header(theirs))}"
    if key[0] == "trailers":
        return f"{where}trailers: {trailers_kind(base)} vs {trailers_kind(engine)}"
    if base is None or engine is None:
        side = "only on the engine" if base is None else "only on the baseline"
        if key[0] in ("body", "trailers"):
            return f"{where}{label}: {side}"
        return f"{where}{label}: {side}: {records.without_payload(engine or base or '')[:60]}"
    ours, theirs = records.without_payload(base), records.without_payload(engine)
    if ours != theirs:
        return f"{where}{label}: {ours[:60]} vs {theirs[:60]}"
    return f"{where}{label}: {bytes_change(encode_header(base), encode_header(engine))}"


def split_body(line: str) -> tuple[str, str]:
    data, _, ending = line.rpartition(" (")
    return (data, ending.removesuffix(")")) if data else (line, "")


def trailers_kind(value: str | None) -> str:
    if value is None:
        return "not shown"
    if value.startswith("["):
        return "[]" if value == "[]" else "lines"
    return records.without_payload(value)


def refine_text(where: str, base: str, engine: str) -> list[str]:
    """A printed text: read as a record when the generic guests printed it."""
    if records.looks_like_record(base) or records.looks_like_record(engine):
        return compare_records(records.parse(base), records.parse(engine), where + ".")
    return [f"{where}: {bytes_change(encode_header(base), encode_header(engine))}"]


def elements(
    differences: list[Difference], base: Observation, engine: Observation, refine: Refine | None = None
) -> list[Element]:
    """Every signature the differences of one engine (against the baseline) show.

    `base` and `engine` are the observations as compared (placeholders in); `refine` reads a
    generator's own printed format (the api-sequences transcript), None for the generic records.
    """
    found: list[Element] = []
    named = {difference.field for difference in differences}
    refine = refine or refine_text
    for difference in differences:
        for signature in describe(difference, named, base, engine, refine):
            found.append(Element(signature, difference.field))
    return list(dict.fromkeys(found))


def describe(
    difference: Difference, named: set[str], base: Observation, engine: Observation, refine: Refine
) -> list[str]:
    where = fields.parse(difference.field)
    ours, theirs = difference.baseline, difference.engine
    if where.top == "failure":
        said = message_class(engine.message if theirs else base.message)
        return [f"failure: {ours or 'none'} vs {theirs or 'none'}{f' ({said})' if said else ''}"]
    if where.top == "exit_code":
        return [] if "failure" in named else [f"exit_code: {ours} vs {theirs}"]
    if where.top == "stdout":
        return (
            [] if "failure" in named and not (ours and theirs) else refine("stdout", text(ours), text(theirs))
        )
    if where.top is not None:
        return []
    group = "responses" if where.group == fields.RESPONSES else "origin.requests"
    if where.index is None:
        return [f"{group}.count: {'fewer' if theirs < ours else 'more'}"]
    return item_change(group, where, difference, named, refine)


def item_change(
    group: str, where: fields.FieldPath, difference: Difference, named: set[str], refine: Refine
) -> list[str]:
    ours, theirs = difference.baseline, difference.engine
    item = fields.item(where.group or "", where.index or 0)
    alive = fields.attribute(item, "alive_after")
    if where.attr is None:
        died = f", {'the server died' if theirs != ours and alive in named else ''}".rstrip(", ")
        return [f"{group}[*]: {outline_class(ours)} vs {outline_class(theirs)}{died}"]
    if where.attr == "alive_after":
        return (
            [] if item in named else [f"{group}[*]: the server {'died' if ours else 'lived'} after answering"]
        )
    if where.attr in fields.NAMED_FIELDS:
        change = lines_change(as_lines(ours), as_lines(theirs))
        return [f"{group}[*].{where.attr}[{name_class(where.name or '')}]: {change}"]
    if where.attr == "status":
        return [f"{group}[*].status: {status_class(ours)} vs {status_class(theirs)}"]
    if where.attr == "body" and ours is not None and theirs is not None:
        return refine(f"{group}[*].body", text(ours), text(theirs))
    return [
        f"{group}[*].{where.attr}: {bytes_change(encode_header(text(ours)), encode_header(text(theirs)))}"
    ]


def message_class(message: str | None) -> str:
    """An engine's error message, kept to what names the kind of failure (numbers and ports gone)."""
    line = next((part.strip() for part in (message or "").splitlines() if part.strip()), "")
    return re.sub(r"\d+", "N", line)[:100]


def header_groups(lines: list[tuple[str, str]] | None) -> dict[str, list[str]]:
    return by_name(lines or [])
