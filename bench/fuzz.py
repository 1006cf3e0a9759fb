"""Measure `portcheck fuzz`'s speed per generator, on the real engines (wasmtime and jco).

    python bench/fuzz.py                          # every generator, 240 s each; updates bench/results.md
    python bench/fuzz.py --seconds 60 --generator client-messages

Each generator runs alone (`portcheck fuzz --generator G --budget S --no-replay`), in the
user's portcheck cache (engines installed, guests built once: the budget starts after that).
From its fuzz.json: generated cases per second while generating, and case runs (generated plus
shrinking) per second over generation and shrinking together. The machine's load average is
recorded beside them, since other work on the machine slows every engine process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portcheck.fuzz import GENERATORS  # noqa: E402

TARGET = 20.0  # cases per second (issue 11)
SECTION = "## portcheck fuzz"


def measure(generator: str, seconds: float, seed: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        argv = [sys.executable, "-m", "portcheck", "fuzz", "--generator", generator, "--budget", str(seconds)]
        argv += ["--seed", str(seed), "--no-replay", "--output-dir", folder]
        before = os.getloadavg()[0]
        done = subprocess.run(argv, cwd=ROOT, check=False, capture_output=True, timeout=seconds * 4 + 900)
        after = os.getloadavg()[0]
        report = Path(folder) / "fuzz.json"
        if not report.exists():
            said = done.stderr.decode(errors="replace").strip().splitlines()[-5:]
            heading = f"bench/fuzz.py: {generator} wrote no fuzz.json (exit {done.returncode}):"
            raise SystemExit("\n".join([heading, *said]))
        data = json.loads(report.read_text())
    steps = data["steps"][generator]
    generating, shrinking = steps["generate_seconds"], steps["shrink_seconds"]
    return {
        "cases": steps["cases"],
        "generating": generating,
        "rate": steps["cases"] / max(generating, 1e-9),
        "runs": data["runs"],
        "run_rate": data["runs"] / max(generating + shrinking, 1e-9),
        "buckets": len(data["buckets"]),
        "load": (before + after) / 2,
        "starts": steps["starts"],
    }


def section(results: dict[str, dict[str, float]], seconds: float) -> list[str]:
    lines = [
        SECTION,
        "",
        f"Measured by `python bench/fuzz.py` (`--budget {seconds:g}` per generator, seed 1, on "
        f"wasmtime and jco, {os.cpu_count()} cores). The load average is the machine's (1 minute) "
        "at the start and end of each run: other work slows every engine process.",
        "",
        "| generator | cases | seconds generating | cases/s generating | case runs/s (with shrinking) "
        "| buckets | engine starts | load | >= 20/s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, found in results.items():
        starts = ", ".join(f"{engine} {count}" for engine, count in found["starts"].items())  # type: ignore[union-attr]
        lines.append(
            f"| {name} | {found['cases']:.0f} | {found['generating']:.1f} | {found['rate']:.1f} "
            f"| {found['run_rate']:.1f} | {found['buckets']:.0f} | {starts} | {found['load']:.1f} "
            f"| {'yes' if found['rate'] >= TARGET else 'no'} |"
        )
    return lines


def write(lines: list[str]) -> None:
    """Replace this section of bench/results.md (bench/run.py keeps it when it rewrites the rest),
    keeping the rows of generators this run did not measure."""
    path = ROOT / "bench" / "results.md"
    text = path.read_text() if path.exists() else ""
    kept, _, old = text.partition(SECTION)
    old, heading, after = old.partition("\n## ")  # the sections after this one (flake.py's) stay
    measured = {line.split(" | ")[0] for line in lines if line.startswith("| ")}
    earlier = [
        line for line in old.splitlines() if line.startswith("| ") and line.split(" | ")[0] not in measured
    ]
    rows = [line for line in lines if line.startswith("| ") and not line.startswith(("| generator", "| ---"))]
    head = [line for line in lines if not line.startswith("| ") or line.startswith(("| generator", "| ---"))]
    table = [*head, *sorted(rows + [r for r in earlier if not r.startswith(("| generator", "| ---"))])]
    kept, rest = kept.rstrip("\n"), (heading.lstrip("\n") + after if heading else "")
    path.write_text((kept + "\n\n" if kept else "") + "\n".join(table) + "\n" + ("\n" + rest if rest else ""))
    print("\n".join(table))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=240.0)
    parser.add_argument("--generator", action="append", choices=list(GENERATORS))
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    results = {name: measure(name, options.seconds, options.seed) for name in options.generator or GENERATORS}
    write(section(results, options.seconds))


if __name__ == "__main__":
    main()
