"""Every bucket's scenario run as `portcheck run` runs it: only what reproduces goes into found.toml.

The candidate found.toml is written, read back with the matrix loader and run with the runner
and judge of `portcheck run`, on fresh engine processes; a bucket is reproduced when its
scenario diverges with the bucket's own signature.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from portcheck.engines.interface import Engine
from portcheck.fuzz.buckets import Bucket
from portcheck.fuzz.found import found_toml, write_found
from portcheck.fuzz.targets import Target
from portcheck.harness.runner import run_matrix
from portcheck.judge import judge
from portcheck.judge.normalize import with_placeholders
from portcheck.matrix.load import load_matrix
from portcheck.model.report import EngineInfo, Report, ScenarioResult
from portcheck.model.scenario import EngineSpec


def shown_signatures(result: ScenarioResult, baseline: str, target: Target) -> set[str]:
    normalized = {
        engine: with_placeholders(observation) for engine, observation in result.observations.items()
    }
    found = set()
    for engine, cell in result.cells.items():
        if engine != baseline and cell.differences:
            shown = target.generator.elements(cell.differences, normalized[baseline], normalized[engine])
            found |= {element.signature for element in shown}
    return found


BATCH = 6  # buckets verified at once: the time left is looked at between batches


@dataclass
class Verified:
    """Each verified bucket's judged scenario, and the report that says which engines ran it."""

    results: dict[str, ScenarioResult] = field(default_factory=dict)
    report: Report | None = None


@dataclass(frozen=True)
class Setting:
    """What a found.toml is written for, and run on."""

    targets: dict[str, Target]
    specs: tuple[EngineSpec, ...]
    engines: list[Engine]
    baseline: str
    seed: int
    folder: Path
    jobs: int


def verify_all(buckets: list[Bucket], setting: Setting, deadline: float | None) -> Verified:
    """Every bucket verified, in order (minimized ones first, then the most frequent), batch by batch
    while time is left; the rest stay "not verified (out of time)" and out of found.toml."""
    order = sorted(buckets, key=lambda bucket: (not bucket.minimized, -bucket.count))
    verified = Verified()
    for start in range(0, len(order), BATCH):
        if deadline is not None and time.monotonic() > deadline:
            for bucket in order[start:]:
                bucket.verified = "not verified (out of time)"
            break
        report = verify(order[start : start + BATCH], setting)
        verified.report = report
        verified.results.update({result.name: result for result in report.scenarios})
    return verified


def verify(buckets: list[Bucket], setting: Setting) -> Report:
    """Run every bucket's scenario once; mark each bucket reproduced or not."""
    text, files = found_toml(
        buckets, setting.targets, setting.specs, setting.baseline, setting.seed, setting.folder
    )
    matrix = load_matrix(write_found(setting.folder, text, files))
    observed = run_matrix(matrix, setting.engines, setting.jobs, lambda _message: None)
    infos = [
        EngineInfo(engine.name, engine.spec.type, engine.version(), engine.variant())
        for engine in setting.engines
    ]
    report = judge(matrix, infos, observed)
    by_name = {bucket.name: bucket for bucket in buckets}
    for result in report.scenarios:
        bucket = by_name[result.name]
        shown = shown_signatures(result, setting.baseline, setting.targets[bucket.generator])
        bucket.verified = "reproduced" if bucket.signature in shown else "not reproduced on its own"
    return report
