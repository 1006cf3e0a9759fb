"""The repro folder: the component, the scenario as data, the exact command lines, and repro.py.

repro.py runs the scenario with portcheck's own `execute` (and the origin, driver and engine
diagnoses it needs), copied into vendor/ as they are, so that the folder behaves as the run
that found the divergence did, without portcheck installed.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path
from typing import Any

from portcheck import __version__
from portcheck.engines.interface import Engine, Invocation
from portcheck.model.report import Report, ScenarioResult
from portcheck.model.scenario import Scenario

PACKAGE = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_name("script.py")
# The standard-library-only modules repro.py needs, besides each engine's diagnosis.
VENDORED = (
    "model/observation.py",
    "model/scenario.py",
    "model/fields.py",
    "model/projection.py",
    "harness/processes.py",
    "harness/warden.py",
    "harness/procfs.py",
    "harness/http1.py",
    "harness/origin.py",
    "harness/driver.py",
    "harness/execute.py",
)
COMPONENT = "component.wasm"
PORT = 65535  # a port number no real command contains, turned into the {port} repro.py fills in


def command_json(invocation: Invocation) -> dict[str, Any]:
    argv = [word.replace(str(PORT), "{port}") for word in invocation.argv]
    return {"argv": argv, "env": invocation.env}


def engine_json(engine: Engine, scenario: Scenario) -> dict[str, Any]:
    env = dict(scenario.env)
    if scenario.origin is not None:
        env["PORTCHECK_ORIGIN"] = "{origin}"
    if scenario.kind == "client":
        command = engine.cli_client(COMPONENT, env)
    else:
        command = engine.cli_server(COMPONENT, PORT, env)
    module, arguments = engine.diagnosis()
    return {"command": command_json(command), "diagnosis": module, "diagnosis_arguments": arguments}


def scenario_json(scenario: Scenario, engines: list[Engine]) -> dict[str, Any]:
    return {
        "scenario": scenario.to_json(),
        "engines": {
            engine.name: engine_json(engine, scenario)
            for engine in engines
            if not engine.skip_reason(scenario)
        },
    }


def readme(scenario: Scenario, data: dict[str, Any], report: Report, result: ScenarioResult) -> str:
    versions = ", ".join(f"{engine.name} {engine.version}" for engine in report.engines)
    lines = [f"# portcheck repro: {scenario.name}", "", scenario.description.strip(), ""]
    lines += [f"Seen with portcheck {__version__} ({versions}): {result.verdict}."]
    for engine, cell in result.cells.items():
        if cell.differences:
            lines.append(
                f"{engine} differs from {report.baseline} in: {', '.join(d.field for d in cell.differences)}."
            )
        if cell.error:
            lines.append(f"{engine}: error: {cell.error.splitlines()[0]}")
    lines += [
        "",
        "Run it (Python 3.11+; the engines on PATH, or each program named by an environment",
        "variable: $WASMTIME, $JCO, ...):",
        "",
        "    python3 repro.py",
        "",
        "The exact commands, per engine:",
        "",
    ]
    for engine, spec in data["engines"].items():
        command = spec["command"]
        env = " ".join(f"{name}={shlex.quote(value)}" for name, value in command["env"].items())
        lines.append(f"    {env + ' ' if env else ''}{shlex.join(command['argv'])}    # {engine}")
    lines += ["", "{origin} is the URL of the origin server repro.py starts; {port} a free port it picks."]
    return "\n".join(lines) + "\n"


def vendor(output: Path, engines: list[Engine]) -> None:
    """Copy the modules repro.py imports into output/vendor/portcheck, each package with an __init__."""
    modules = [
        *VENDORED,
        *(engine.diagnosis()[0].removeprefix("portcheck.").replace(".", "/") + ".py" for engine in engines),
    ]
    root = output / "vendor" / "portcheck"
    for module in modules:
        target = root / module
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PACKAGE / module, target)
    for folder in [root, *(path for path in root.rglob("*") if path.is_dir())]:
        (folder / "__init__.py").write_text('"""Copied from portcheck for repro.py."""\n')


def write(output: Path, scenario: Scenario, component: Path, engines: list[Engine], report: Report) -> None:
    result = next(item for item in report.scenarios if item.name == scenario.name)
    output.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(component, output / COMPONENT)
    vendor(output, engines)
    data = scenario_json(scenario, engines)
    (output / "scenario.json").write_text(json.dumps(data, indent=2) + "\n")
    for engine in engines:
        for source, name in engine.repro_files():
            shutil.copyfile(source, output / name)
    shutil.copyfile(SCRIPT, output / "repro.py")
    (output / "repro.py").chmod(0o755)
    (output / "README.md").write_text(readme(scenario, data, report, result))
