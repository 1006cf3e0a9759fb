"""Do verdicts hold when the machine is busy? The root matrix with 0, 2 and 4 busy loops beside it.

    python bench/flake.py              # writes the result into bench/results.md
    python bench/flake.py --loads 0 4  # other loads

A busy loop is a process spinning on a core, as another CI job on the same machine would. The
run must give the same verdict for every scenario and every cell, the same failed expectations
and the same fields in its differences; the seconds it took are printed, not compared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.md"
HEADING = "## Verdicts under load"
SPIN = "while True: pass"


def run_under(loads: int, env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    spinners = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(loads)]
    try:
        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / "report.json"
            argv = [sys.executable, "-m", "portcheck", "run", "matrix.toml", "-f", "json", "-o", str(output)]
            started = time.monotonic()
            subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, check=False)
            return time.monotonic() - started, json.loads(output.read_text())
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def outcome(report: dict[str, Any]) -> dict[str, Any]:
    """What the run says, without what timing may change (seconds, ports, dates)."""
    return {
        scenario["name"]: {
            "verdict": scenario["verdict"],
            "cells": {
                engine: (
                    cell["verdict"],
                    cell["expected"],
                    sorted(difference["field"] for difference in cell["differences"]),
                )
                for engine, cell in scenario["cells"].items()
            },
        }
        for scenario in report["scenarios"]
    }


def changes(first: dict[str, Any], other: dict[str, Any]) -> list[str]:
    return [name for name in first if first[name] != other.get(name)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, nargs="+", default=[0, 2, 4])
    options = parser.parse_args()
    env = dict(os.environ)
    run_under(0, env)  # warm the cache: builds and preparations are not what this measures
    # A list, not a dict by load: `--loads 0 0 0 0 4` is five consecutive runs.
    results = [(loads, *run_under(loads, env)) for loads in options.loads]
    reference = outcome(results[0][2])
    lines = [
        HEADING,
        "",
        f"`python bench/flake.py` on {os.cpu_count()} cores: the root matrix, warm, beside busy loops.",
        "",
        "| run | busy loops | seconds | scenarios whose verdict, cells or differences differ from run 1 |",
        "| --- | --- | --- | --- |",
    ]
    for run, (loads, seconds, report) in enumerate(results, 1):
        changed = changes(reference, outcome(report))
        lines.append(f"| {run} | {loads} | {seconds:.1f} | {', '.join(changed) if changed else 'none'} |")
    print("\n".join(lines))
    text = RESULTS.read_text() if RESULTS.exists() else ""
    kept, _, old = text.partition(HEADING)
    _, heading, after = old.partition("\n## ")  # the sections after this one (fuzz.py's) stay
    rest = "\n## " + after if heading else ""
    RESULTS.write_text((kept.rstrip("\n") + "\n\n" if kept.strip() else "") + "\n".join(lines) + "\n" + rest)


if __name__ == "__main__":
    main()
