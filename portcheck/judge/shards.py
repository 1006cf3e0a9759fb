"""Shards merge only when they are the whole run: every part of one run, each exactly once.

A shard job that dies before writing its report must not turn the merged result green, so
`merge` checks the shard record of every report (`Report.shard`: K/N, the matrix's and the
selection's digests, the whole run's scenario count) before it combines anything.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from portcheck.errors import PortcheckError
from portcheck.model.report import Report
from portcheck.model.scenario import Shard


class IncompleteShards(PortcheckError):
    """The reports are not every shard of one run exactly once (exit 2, unless --allow-partial)."""


@dataclass
class Given:
    """A report to merge, and the name it came by (a file name) for the messages."""

    name: str
    report: Report


@dataclass
class Checked:
    problems: list[str]  # what keeps the reports from being one whole run; empty when they are
    mergeable: list[Given]  # what --allow-partial merges: every report but repeated shards


def check_shards(given: list[Given]) -> Checked:
    if len(given) == 1 and given[0].report.shard is None:
        return Checked([], given)  # one whole run: merging it only re-renders it
    problems = [f"{item.name} is not a shard report (it records no --shard K/N)" for item in unsharded(given)]
    shards = [item for item in given if item.report.shard is not None]
    if not shards:
        return Checked(problems, given)
    reference = Counter(run_of(shard_of(item)) for item in shards).most_common(1)[0][0]
    problems += [foreign(item, reference) for item in shards if run_of(shard_of(item)) != reference]
    ours = [item for item in shards if run_of(shard_of(item)) == reference]
    by_part: dict[int, list[Given]] = {}
    for item in ours:
        by_part.setdefault(shard_of(item).k, []).append(item)
    for part, items in sorted(by_part.items()):
        if len(items) > 1:
            names = ", ".join(item.name for item in items)
            problems.append(f"shard {part}/{reference.n} is given {len(items)} times ({names})")
    firsts = [items[0] for items in by_part.values()]
    held = sum(len(item.report.scenarios) for item in firsts)
    missing = [f"{part}/{reference.n}" for part in range(1, reference.n + 1) if part not in by_part]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        problems.append(
            f"missing shard{plural} {', '.join(missing)} "
            f"(the reports hold {held} of the run's {reference.scenarios} scenarios)"
        )
    elif held != reference.scenarios:
        problems.append(f"the shards hold {held} scenarios, but their run had {reference.scenarios}")
    repeated = {id(item) for items in by_part.values() for item in items[1:]}
    return Checked(problems, [item for item in given if id(item) not in repeated])


def unsharded(given: list[Given]) -> list[Given]:
    return [item for item in given if item.report.shard is None]


def shard_of(item: Given) -> Shard:
    assert item.report.shard is not None
    return item.report.shard


def run_of(shard: Shard) -> Shard:
    """What every shard of one run shares: the shard record without its own part number."""
    return Shard(0, shard.n, shard.matrix, shard.selection, shard.scenarios)


def foreign(item: Given, reference: Shard) -> str:
    shard = shard_of(item)
    if shard.matrix != reference.matrix:
        return (
            f"{item.name} is a shard of another matrix "
            f"(matrix digest {shard.matrix[:12]}, the others' {reference.matrix[:12]})"
        )
    if shard.selection != reference.selection:
        return f"{item.name} ran another selection of the matrix (other --scenario or --engine options)"
    if shard.n != reference.n:
        return f"{item.name} is shard {shard.label}, but the others are parts of {reference.n}"
    return f"{item.name} is from a run of {shard.scenarios} scenarios, the others of {reference.scenarios}"
