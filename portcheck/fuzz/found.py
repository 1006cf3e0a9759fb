"""What a fuzz run writes: found.toml (a matrix reproducing every bucket), fuzz.json, found.md."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import tomlkit

from portcheck import __version__
from portcheck.fuzz.buckets import Bucket, Buckets
from portcheck.fuzz.campaign import Tally
from portcheck.fuzz.targets import Target
from portcheck.model.report import EngineInfo, Report, ScenarioResult
from portcheck.model.scenario import EngineSpec
from portcheck.reports.sides import side_by_side

SCENARIO_TIMEOUT = 10  # seconds per engine run in found.toml


def description(bucket: Bucket, seed: int) -> str:
    engines = ", ".join(bucket.engines)
    return (
        f"Found by portcheck fuzz ({bucket.generator}, seed {seed}, case {bucket.first_case}): "
        f"{bucket.signature} (on {engines})."
    )


def with_files(table: dict[str, Any], name: str, files: dict[str, bytes]) -> dict[str, Any]:
    """Bytes in a table become text, or (not UTF-8) a file beside found.toml named by a `_file` key."""
    fixed: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, bytes):
            try:
                fixed[key] = value.decode("utf-8")
            except UnicodeDecodeError:
                path = f"bodies/{name}-{len(files)}.bin"
                files[path] = value
                fixed[f"{key}_file"] = path
        elif isinstance(value, dict):
            fixed[key] = with_files(value, name, files)
        elif isinstance(value, list):
            fixed[key] = [with_files(item, name, files) if isinstance(item, dict) else item for item in value]
        else:
            fixed[key] = value
    return fixed


def scenario_table(
    bucket: Bucket, target: Target, seed: int, folder: Path, files: dict[str, bytes]
) -> dict[str, Any]:
    generator = target.generator
    table: dict[str, Any] = {
        "name": bucket.name,
        "kind": generator.kind,
        "description": description(bucket, seed),
    }
    if target.source is not None:
        table["source"] = target.source
    else:
        table["component"] = os.path.relpath(target.component, folder)
    table["timeout"] = SCENARIO_TIMEOUT
    table.update(generator.scenario_table(bucket.example))
    table = with_files(table, bucket.name, files)
    if "env" in table:  # written on one line: env = { PORTCHECK_FUZZ_CASE = "..." }
        env = tomlkit.inline_table()
        env.update(table["env"])
        table["env"] = env
    return table


def engine_tables(specs: tuple[EngineSpec, ...]) -> dict[str, Any]:
    return {
        spec.name: {"type": spec.type, **dict(spec.options)}
        for spec in specs
        if spec.options or spec.name != spec.type
    }


def found_toml(
    buckets: list[Bucket],
    targets: dict[str, Target],
    specs: tuple[EngineSpec, ...],
    baseline: str,
    seed: int,
    folder: Path,
) -> tuple[str, dict[str, bytes]]:
    """The matrix reproducing `buckets` with `portcheck run`, and the body files it names."""
    files: dict[str, bytes] = {}
    data: dict[str, Any] = {"matrix": {"engines": [spec.name for spec in specs], "baseline": baseline}}
    if tables := engine_tables(specs):
        data["engines"] = tables
    data["scenario"] = [scenario_table(b, targets[b.generator], seed, folder, files) for b in buckets]
    header = (
        f"# Found by portcheck fuzz {__version__} (seed {seed}): one scenario per bucket, minimized.\n"
        f"# Reproduce: portcheck run {folder.name}/found.toml\n\n"
    )
    return header + tomlkit.dumps(data), files


def write_found(folder: Path, text: str, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    path = folder / "found.toml"
    path.write_text(text, encoding="utf-8")
    return path


def bucket_json(bucket: Bucket, target: Target) -> dict[str, Any]:
    return {
        "signature": bucket.signature,
        "name": bucket.name,
        "generator": bucket.generator,
        "count": bucket.count,
        "engines": bucket.engines,
        "fields": bucket.fields,
        "first_case": bucket.first_case,
        "source": bucket.source,
        "minimized": bucket.minimized,
        "shrink_runs": bucket.shrink_runs,
        "verified": bucket.verified,
        "scenario": with_files(target.generator.scenario_table(bucket.example), bucket.name, {}),
        "input": target.generator.describe(bucket.example),
    }


def fuzz_json(
    buckets: Buckets,
    targets: dict[str, Target],
    tally: Tally,
    engines: list[EngineInfo],
    baseline: str,
    run: dict[str, Any],
) -> str:
    data = {
        "portcheck": __version__,
        **run,
        "cases": tally.cases,
        "runs": tally.runs,
        "steps": tally.steps,
        "case_failures": tally.failures,
        "engines": [{"name": e.name, "type": e.type, "version": e.version} for e in engines],
        "baseline": baseline,
        "buckets": [bucket_json(bucket, targets[bucket.generator]) for bucket in buckets.found.values()],
        "known": [
            {"signature": k.signature, "engine": k.engine, "reason": k.reason, "count": k.count}
            for k in buckets.accepted.values()
        ],
        "dropped": buckets.dropped,
    }
    return json.dumps(data, indent=2, default=str) + "\n"


def code(text: str) -> str:
    """`text` as a Markdown code span, even when it holds backticks itself."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def origin_of(bucket: Bucket) -> str:
    """Where the bucket's case came from, and how it was made small."""
    if bucket.source == "replayed":
        return "replayed first from the example database (an earlier run minimized it)"
    if bucket.source == "seed":
        return "from one of your scenarios (not minimized)"
    shrunk = f"minimized in {bucket.shrink_runs} runs" if bucket.minimized else "not minimized (no time left)"
    found = (
        "while shrinking another bucket"
        if bucket.source == "shrinking"
        else f"first in case {bucket.first_case}"
    )
    return f"{found}, {shrunk}"


def known_snippet(bucket: Bucket) -> list[str]:
    return [
        "[[known]]",
        f"signature = {json.dumps(bucket.signature)}",
        f'engine = "{next(iter(bucket.engines))}"',
        'reason = "..."',
    ]


def found_md(
    buckets: list[Bucket],
    others: list[Bucket],
    targets: dict[str, Target],
    results: dict[str, ScenarioResult],
    report: Report | None,
    folder: Path,
) -> str:
    lines = [
        "# What portcheck fuzz found",
        "",
        f"{len(buckets)} bucket(s), each reproduced by `portcheck run {folder.name}/found.toml` "
        "(one minimized scenario per bucket).",
    ]
    for number, bucket in enumerate(buckets, 1):
        target = targets[bucket.generator]
        lines += [
            "",
            f"## {number}. {code(bucket.signature)}",
            "",
            f"{bucket.generator}, on {', '.join(f'{e} ({n} cases)' for e, n in bucket.engines.items())}; "
            f"{origin_of(bucket)}, {bucket.count} case(s) in all.",
            "",
            "Input:",
            "",
            "```",
            *target.generator.describe(bucket.example),
            "```",
        ]
        if bucket.name in results and report is not None:
            lines += ["", "Observed:", "", "```", side_by_side(report, results[bucket.name]).rstrip(), "```"]
        lines += [
            "",
            f"Reproduce: `portcheck show {bucket.name} --matrix {folder.name}/found.toml`. "
            "Accept it in a nightly run (`--known FILE`):",
            "",
            "```toml",
            *known_snippet(bucket),
            "```",
        ]
    if others:
        lines += ["", "## Not reproduced on their own", ""]
        lines += [f"- {code(b.signature)} ({b.generator}, {b.count} case(s)): {b.verified}" for b in others]
    return "\n".join(lines) + "\n"
