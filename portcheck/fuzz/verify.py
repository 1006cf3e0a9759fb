"""Every bucket's scenario run as `portcheck run` runs it: only what reproduces goes into found.toml.

The candidate found.toml is written, read back with the matrix loader and run with the runner
and judge of `portcheck run`, on fresh engine processes; a bucket is reproduced when its
scenario diverges with the bucket's own signature.
"""

from __future__ import annotations

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


def verify(
    buckets: list[Bucket],
    targets: dict[str, Target],
    specs: tuple[EngineSpec, ...],
    engines: list[Engine],
    baseline: str,
    seed: int,
    folder: Path,
    jobs: int,
) -> Report:
    """Run every bucket's scenario once; mark each bucket reproduced or not."""
    text, files = found_toml(buckets, targets, specs, baseline, seed, folder)
    matrix = load_matrix(write_found(folder, text, files))
    observed = run_matrix(matrix, engines, jobs, lambda _message: None)
    infos = [EngineInfo(engine.name, engine.spec.type, engine.version()) for engine in engines]
    report = judge(matrix, infos, observed)
    by_name = {bucket.name: bucket for bucket in buckets}
    for result in report.scenarios:
        bucket = by_name[result.name]
        shown = shown_signatures(result, baseline, targets[bucket.generator])
        bucket.verified = "reproduced" if bucket.signature in shown else "not reproduced on its own"
    return report
