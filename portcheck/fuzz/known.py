"""Which divergence classes are already listed: `[[known]]` entries filter them out of a fuzz run.

An entry covers a bucket's finding on one engine when it names that bucket's scenario (the name
found.toml gives it, the same in every run: it is made from the signature) and, if it has a
`field`, covers the field the judge named; or, in a `--known FILE`, when its `signature` (a glob)
matches the signature. So a nightly run can list what it accepted and report only what is new.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from portcheck.matrix.toml import Table, read_toml
from portcheck.model import fields
from portcheck.model.scenario import Known

KEYS = ("scenario", "engine", "field", "signature", "reason", "link")


@dataclass(frozen=True)
class KnownClass:
    engine: str
    reason: str
    scenario: str | None = None
    field: str | None = None
    signature: str | None = None  # a glob over signatures
    link: str = ""

    def covers(self, engine: str, scenario: str, signature: str, field: str) -> bool:
        if engine != self.engine:
            return False
        if self.signature is not None:
            return fnmatch.fnmatchcase(signature, self.signature)
        if self.scenario is not None and not fnmatch.fnmatchcase(scenario, self.scenario):
            return False
        return self.field is None or fields.covers(self.field, field)


def from_matrix(entries: tuple[Known, ...]) -> list[KnownClass]:
    return [KnownClass(e.engine, e.reason, e.scenario, e.field, link=e.link) for e in entries]


def read_known(path: Path) -> list[KnownClass]:
    """The `[[known]]` tables of a file (any other table is left alone, so a matrix file works too)."""
    data = read_toml(path)
    top = Table({"known": data.get("known", [])}, path, "", ("known",))
    found = []
    for index, item in enumerate(top.tables("known")):
        entry = Table(item, path, f"known[{index}]", KEYS)
        engine = entry.require("engine", str, "the name of an engine")
        reason = entry.require("reason", str, "why this divergence is accepted (one line)")
        signature, scenario = entry.string("signature"), entry.string("scenario")
        if (signature is None) == (scenario is None):
            entry.fail("signature", 'expected exactly one of signature = "..." (a glob) or scenario = "..."')
        field = entry.string("field")
        if field is not None and (problem := fields.problem_with(field, whole_items=True)):
            entry.fail("field", f"{problem}, got {field!r}")
        found.append(KnownClass(engine, reason, scenario, field, signature, entry.string("link", "") or ""))
    return found


def known_reason(
    entries: list[KnownClass], engine: str, scenario: str, signature: str, field: str
) -> str | None:
    """The reason of the first entry covering this finding, None if it is new."""
    return next((e.reason for e in entries if e.covers(engine, scenario, signature, field)), None)
