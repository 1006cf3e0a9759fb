"""Measure portcheck against the naive loop and against the floor, on the repo's matrix.toml.

    python bench/run.py                # everything; writes bench/results.md
    python bench/run.py --skip-naive   # without the naive loop (it takes about ten minutes)

- cold: `portcheck run matrix.toml` with empty build and artifact caches (engines installed);
- warm: the same run again, everything cached; also portcheck's own CPU time (its process,
  not its children) and its peak memory;
- naive: what a person would write: for each scenario, `wasmtime run -S http x.wasm` then
  `jco run x.wasm` (servers: `wasmtime serve`, `jco serve` and the requests), one after another,
  no caches: every run compiles or transpiles the component again;
- floor: the engines alone on the prepared artifacts (plus the origin and request fixtures they
  need), as parallel as the cores allow;
- scale: generated matrices of 50, 100 and 200 scenarios, warm: time and peak memory.
Everything runs in a private cache folder, so the user's cache is left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portcheck import engines as engine_types  # noqa: E402
from portcheck.engines.interface import Engine  # noqa: E402
from portcheck.engines.jco.package import jco_script  # noqa: E402
from portcheck.engines.wasmtime import Wasmtime  # noqa: E402
from portcheck.harness import driver  # noqa: E402
from portcheck.harness import processes as procs  # noqa: E402
from portcheck.harness.execute import origin_for  # noqa: E402
from portcheck.harness.runner import run_after  # noqa: E402
from portcheck.matrix import load_matrix  # noqa: E402
from portcheck.model.scenario import Matrix, Scenario  # noqa: E402
from portcheck.provision.node import node_binary  # noqa: E402
from portcheck.toolchains import component_for, componentize_js  # noqa: E402

# Runs portcheck's CLI in this child and then writes the child's own resource usage (not its
# children's: RUSAGE_SELF), so the time spent in engines does not count as portcheck's.
SELF_USAGE = """
import json, os, resource, sys
sys.argv = ["portcheck", *sys.argv[1:]]
from portcheck.cli import main
try:
    main()
except SystemExit:
    pass
usage = resource.getrusage(resource.RUSAGE_SELF)
with open(os.environ["BENCH_USAGE"], "w") as out:
    json.dump({"cpu": usage.ru_utime + usage.ru_stime, "max_rss_kb": usage.ru_maxrss}, out)
"""


@dataclass
class Run:
    seconds: float
    own_cpu: float = 0.0
    max_rss_mb: float = 0.0


def portcheck_run(matrix: Path, env: dict[str, str], label: str) -> Run:
    """`portcheck run MATRIX` in a child Python that reports its own CPU time and peak memory."""
    usage = Path(tempfile.mkstemp(prefix="bench-usage-")[1])
    argv = [sys.executable, "-c", SELF_USAGE, "run", str(matrix), "--format", "json", "--output", os.devnull]
    started = time.monotonic()
    subprocess.run(argv, env={**env, "BENCH_USAGE": str(usage)}, cwd=ROOT, capture_output=True, check=False)
    seconds = time.monotonic() - started
    data = json.loads(usage.read_text())
    usage.unlink()
    peak = data["max_rss_kb"] / 1024
    print(f"{label}: {seconds:.1f} s wall, portcheck's own CPU {data['cpu']:.2f} s, peak {peak:.0f} MB")
    return Run(seconds, data["cpu"], data["max_rss_kb"] / 1024)


def clear_prepared(cache: Path) -> None:
    """Empty every build and artifact cache, keep the installed engines (npm's jco, the binaries)."""
    for part in ("components", "wasmtime", "wasmtime-py", "wit"):
        shutil.rmtree(cache / part, ignore_errors=True)
    for transpiled in cache.glob("jco/*/transpiled"):
        shutil.rmtree(transpiled, ignore_errors=True)


def naive_loop(matrix: Matrix, columns: list[Engine]) -> float:
    """Each scenario on each engine through its own CLI, one after another, nothing cached."""
    # The programs the engines' command lines start, as provisioned in portcheck's cache.
    wasmtime = next(engine for engine in columns if isinstance(engine, Wasmtime))
    tools = {"wasmtime": [str(wasmtime.binary)], "jco": [str(node_binary()), str(jco_script())]}
    started = time.monotonic()
    for scenario in matrix.scenarios:
        component = component_for(scenario)
        for engine in columns:
            with origin_for(scenario) as origin:
                env = dict(scenario.env, **({"PORTCHECK_ORIGIN": origin.url} if origin else {}))
                naive_one(scenario, engine, str(component), env, tools[engine.spec.type])
    return time.monotonic() - started


def naive_one(
    scenario: Scenario, engine: Engine, component: str, env: dict[str, str], tool: list[str]
) -> None:
    if scenario.kind == "client":
        invocation = engine.cli_client(component, env)
        procs.run(tool + invocation.argv[1:], dict(os.environ, **invocation.env), timeout=scenario.timeout)
        return
    port = free_port()
    invocation = engine.cli_server(component, port, env)
    with procs.Server(tool + invocation.argv[1:], dict(os.environ, **invocation.env)) as server:
        if procs.wait_accepting("127.0.0.1", port, 120, server.alive):
            for request in scenario.requests:
                driver.send(request, "127.0.0.1", port, timeout=scenario.timeout)


def free_port() -> int:
    """A port number for the CLIs that take one (closed again before the engine binds it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def floor(matrix: Matrix, columns: list[Engine], jobs: int) -> float:
    """The engines on their prepared artifacts, with the fixtures they need, `jobs` at a time."""
    prepared: dict[tuple[str, str], Future[object]] = {}
    for scenario in matrix.scenarios:
        for engine in columns:
            future: Future[object] = Future()
            future.set_result(engine.prepare(component_for(scenario)))
            prepared[(scenario.name, engine.name)] = future
    work = [(s, e) for s in matrix.scenarios for e in columns]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda job: run_after(job[0], job[1], prepared[(job[0].name, job[1].name)]), work))
    return time.monotonic() - started


def generated_matrix(folder: Path, count: int) -> Path:
    """`count` scenarios over the doctor's two tiny components: the cost of portcheck itself, scaled."""
    for name in ("hello_client.wat", "fixed_server.wat"):
        shutil.copyfile(ROOT / "portcheck" / "doctor" / name, folder / name)
    lines = ['[matrix]\nengines = ["wasmtime", "jco"]\n']
    for index in range(count):
        if index % 2:
            lines.append(
                f'[[scenario]]\nname = "s{index:03}"\nkind = "server"\nsource = "fixed_server.wat"\n'
            )
            lines.append('[[scenario.request]]\npath = "/"\n')
        else:
            lines.append(
                f'[[scenario]]\nname = "s{index:03}"\nkind = "client"\nsource = "hello_client.wat"\n'
            )
    path = folder / f"generated-{count}.toml"
    path.write_text("".join(lines))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-naive", action="store_true", help="leave out the naive loop")
    parser.add_argument("--cache", type=Path, help="cache folder to use (default: a new temporary one)")
    options = parser.parse_args()
    cores = os.cpu_count() or 1
    cache = options.cache or Path(tempfile.mkdtemp(prefix="portcheck-bench-"))
    os.environ["PORTCHECK_CACHE"] = str(cache)
    env = dict(os.environ)
    matrix_path = ROOT / "matrix.toml"
    print(f"cache {cache}, {cores} cores")
    subprocess.run([sys.executable, "-m", "portcheck", "engines", "install"], cwd=ROOT, env=env, check=True)
    componentize_js.PACKAGE.install()  # an installed tool, like the engines: not part of the cold run

    clear_prepared(cache)
    cold = portcheck_run(matrix_path, env, "cold")
    warm = portcheck_run(matrix_path, env, "warm")
    matrix = load_matrix(matrix_path)
    columns = [engine_types.create(spec) for spec in matrix.engines]
    for engine in columns:
        engine.provision()
    floor_seconds = floor(matrix, columns, cores)
    print(f"floor: {floor_seconds:.1f} s")
    naive_seconds = None if options.skip_naive else naive_loop(matrix, columns)
    if naive_seconds is not None:
        print(f"naive: {naive_seconds:.1f} s")
    scale = {}
    with tempfile.TemporaryDirectory() as folder:
        for count in (50, 100, 200):
            generated = generated_matrix(Path(folder), count)
            portcheck_run(generated, env, f"generated {count} (first, builds)")
            scale[count] = portcheck_run(generated, env, f"generated {count} warm")
    write_results(cores, len(matrix.scenarios), cold, warm, floor_seconds, naive_seconds, scale)


NOTES = [
    "What the numbers are made of: most of the warm run and of the floor is the jco probes that hang",
    "until their scenario's timeout (5 s each, one of them 20 s; see docs/findings.md), spread over the",
    "cores; the naive loop pays, on every single run, wasmtime's Cranelift compile of the 18 MB",
    "componentize-py component (about 3 s) or the 13 MB componentize-js one, and jco's transpile",
    "(about 1 s, and about 5 s for componentize-js), and waits out the same hangs one after another.",
    "The cold run adds building the four built-in components, two with componentize-py and two with",
    "componentize-js (about 10 s each, two at a time), and preparing them once per engine.",
]


def write_results(
    cores: int,
    scenarios: int,
    cold: Run,
    warm: Run,
    floor_s: float,
    naive: float | None,
    scale: dict[int, Run],
) -> None:
    measured = [
        ("cold run (empty build and artifact caches)", cold.seconds),
        ("warm run", warm.seconds),
        ("naive loop (the engines' CLIs one after another, no caches)", naive),
        (f"floor (engines alone on prepared artifacts, {cores} at a time)", floor_s),
        ("portcheck's own CPU during the warm run", warm.own_cpu),
    ]
    targets = [
        ("warm <= 0.2 x naive", warm.seconds, naive, 0.2),
        ("warm <= 1.25 x floor", warm.seconds, floor_s, 1.25),
        ("cold <= 0.6 x naive", cold.seconds, naive, 0.6),
        ("own CPU <= 5% of the warm run's wall time", warm.own_cpu, warm.seconds, 0.05),
    ]
    lines = [
        "# portcheck benchmark",
        "",
        f"Measured by `python bench/run.py` on a machine with {cores} cores, on the repository's",
        f"`matrix.toml` ({scenarios} built-in scenarios on wasmtime and jco).",
        "",
        "| measure | seconds |",
        "| --- | --- |",
        *(f"| {name} | {'not measured' if value is None else f'{value:.1f}'} |" for name, value in measured),
        "",
        "| target | ratio | met |",
        "| --- | --- | --- |",
        *(target_row(*target) for target in targets),
        "",
        "Generated matrices (the doctor's two tiny components, half clients, half servers), warm:",
        "",
        "| scenarios | seconds | seconds per scenario | portcheck's own CPU (s) | peak memory (MB) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for count, run in scale.items():
        per = run.seconds / count
        lines.append(
            f"| {count} | {run.seconds:.1f} | {per:.3f} | {run.own_cpu:.2f} | {run.max_rss_mb:.0f} |"
        )
    lines += ["", *NOTES]
    path = ROOT / "bench" / "results.md"
    # bench/fuzz.py's section, kept: it is measured on its own.
    fuzz = path.read_text().partition("## portcheck fuzz")[1:] if path.exists() else ("", "")
    path.write_text("\n".join(lines) + "\n" + ("\n" + "".join(fuzz) if fuzz[0] else ""))
    print((ROOT / "bench" / "results.md").read_text())


def target_row(name: str, value: float, reference: float | None, factor: float) -> str:
    if not reference:
        return f"| {name} | not measured | ? |"
    return f"| {name} | {value / reference:.3f} | {'yes' if value <= factor * reference else 'no'} |"


if __name__ == "__main__":
    main()
