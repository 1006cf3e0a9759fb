"""Cache keys change exactly when an input does; the cache is safe under concurrent processes; shards."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from portcheck import cache
from portcheck.engines.jco import Jco
from portcheck.engines.wasmtime import Wasmtime
from portcheck.judge import judge, merge
from portcheck.matrix import shard
from portcheck.model.observation import Observation
from portcheck.model.report import EngineInfo, Report
from portcheck.model.scenario import EngineSpec, Matrix, Scenario
from portcheck.toolchains import build_key
from portcheck.toolchains.command import BuildCommand
from portcheck.toolchains.componentize_py import ComponentizePy


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PORTCHECK_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


class Pinned(ComponentizePy):
    def __init__(self, version: str) -> None:
        self.pinned = version

    def version(self) -> str:
        return self.pinned


def python_scenario(folder: Path, kind: str = "client") -> Scenario:
    return Scenario(name="s", kind=kind, defined_in=folder / "m.toml", source=folder / "app.py")  # type: ignore[arg-type]


def test_build_key_follows_source_siblings_toolchain_and_kind(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import helper\n")
    (tmp_path / "helper.py").write_text("X = 1\n")
    scenario = python_scenario(tmp_path)
    first = build_key(Pinned("0.25.1"), scenario)
    assert build_key(Pinned("0.25.1"), scenario) == first
    (tmp_path / "helper.py").write_text("X = 2\n")  # a module beside the source can be imported
    second = build_key(Pinned("0.25.1"), scenario)
    assert second != first
    assert build_key(Pinned("0.25.2"), scenario) != second
    assert build_key(Pinned("0.25.1"), python_scenario(tmp_path, "server")) != second
    (tmp_path / "notes.txt").write_text("not a module")
    assert build_key(Pinned("0.25.1"), scenario) == second


def test_build_key_follows_the_build_command(tmp_path: Path) -> None:
    (tmp_path / "x.src").write_text("source")
    scenario = Scenario(name="s", kind="client", defined_in=tmp_path / "m.toml", source=tmp_path / "x.src")
    one = build_key(BuildCommand("cc -O1 {source} -o {output}", tmp_path), scenario)
    two = build_key(BuildCommand("cc -O2 {source} -o {output}", tmp_path), scenario)
    assert one != two
    (tmp_path / "x.src").write_text("changed")
    assert build_key(BuildCommand("cc -O1 {source} -o {output}", tmp_path), scenario) != one


def wasmtime(version: str, **options: str | tuple[str, ...]) -> Wasmtime:
    engine = Wasmtime(EngineSpec("w", "wasmtime", tuple(options.items())))
    engine._version = version  # as if the binary had answered --version
    return engine


def test_wasmtime_artifact_follows_component_version_and_flags(tmp_path: Path) -> None:
    component = tmp_path / "c.wasm"
    component.write_bytes(b"\0asm one")
    base = wasmtime("49.0.3").artifact(component)
    assert wasmtime("49.0.3").artifact(component) == base
    assert wasmtime("36.0.9").artifact(component) != base
    assert wasmtime("49.0.3", compiler="winch").artifact(component) != base
    assert wasmtime("49.0.3", flags=("-O", "opt-level=0")).artifact(component) != base
    component.write_bytes(b"\0asm two")
    assert wasmtime("49.0.3").artifact(component) != base


def test_jco_artifact_follows_component_and_jco_but_not_runtime(private_cache: Path) -> None:
    component = private_cache.parent / "c.wasm"
    component.write_bytes(b"\0asm")

    def jco(versions: str, runtime: str = "node", flags: tuple[str, ...] = ()) -> Jco:
        engine = Jco(EngineSpec("j", "jco", (("runtime", runtime), ("flags", flags))))
        engine.__dict__.update(jco_versions=versions)  # as if installed
        return engine

    base = jco("1.35.0").artifact(component, "server")
    assert jco("1.35.0", runtime="bun").artifact(component, "server") == base
    assert jco("1.36.0").artifact(component, "server") != base
    assert jco("1.35.0").artifact(component, "client") != base  # jco run and jco serve write other scripts
    isolated = jco("1.35.0", flags=("--isolate-requests", "instance"))
    assert isolated.artifact(component, "server") != base
    # A serve option does not reach `jco run`: clients share the plain artifact.
    assert isolated.artifact(component, "client") == jco("1.35.0").artifact(component, "client")
    trace = jco("1.35.0", flags=("--jco-trace",))
    assert trace.artifact(component, "client") != jco("1.35.0").artifact(component, "client")


def slow_make(target: str, log: str) -> None:
    def make(temporary: Path) -> None:
        with open(log, "a") as handle:
            handle.write("made\n")
        temporary.write_bytes(b"first half ")
        time.sleep(0.3)  # a writer caught halfway must never be seen by the other process
        with temporary.open("ab") as handle:
            handle.write(b"second half")

    cache.produce(Path(target), make)


def test_two_processes_produce_one_entry_once(tmp_path: Path) -> None:
    target, log = tmp_path / "entry.bin", tmp_path / "log"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=slow_make, args=(str(target), str(log))) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    assert log.read_text() == "made\n"
    assert target.read_bytes() == b"first half second half"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")] == []


def test_a_failed_make_leaves_nothing_under_the_real_name(tmp_path: Path) -> None:
    def broken(temporary: Path) -> None:
        temporary.write_bytes(b"partial")
        raise RuntimeError("tool crashed")

    with pytest.raises(RuntimeError):
        cache.produce(tmp_path / "entry", broken)
    assert not (tmp_path / "entry").exists()
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == []


def test_shards_are_disjoint_and_cover_the_matrix() -> None:
    scenarios = tuple(
        Scenario(name=f"s{i}", kind="client", defined_in=Path("m.toml"), position=i) for i in range(7)
    )
    matrix = Matrix(Path("m.toml"), (EngineSpec("w", "wasmtime"),), "w", scenarios)
    parts = [shard(matrix, f"{k}/3").scenarios for k in (1, 2, 3)]
    names = [[s.name for s in part] for part in parts]
    assert names == [["s0", "s3", "s6"], ["s1", "s4"], ["s2", "s5"]]
    reports = [
        judge(shard(matrix, f"{k}/3"), [EngineInfo("w", "wasmtime", "1")], observed(part))
        for k, part in zip((1, 2, 3), parts, strict=True)
    ]
    whole = judge(matrix, [EngineInfo("w", "wasmtime", "1")], observed(scenarios))
    assert merge(reports) == whole
    assert Report.from_json(merge(reports).to_json()) == whole


def observed(scenarios: tuple[Scenario, ...]) -> dict[str, dict[str, Observation]]:
    return {s.name: {"w": Observation(kind="client", exit_code=0, stdout=s.name)} for s in scenarios}


def test_merge_refuses_overlapping_or_mismatched_reports() -> None:
    scenario = Scenario(name="s", kind="client", defined_in=Path("m.toml"))
    matrix = Matrix(Path("m.toml"), (EngineSpec("w", "wasmtime"),), "w", (scenario,))
    report = judge(matrix, [EngineInfo("w", "wasmtime", "1")], observed((scenario,)))
    with pytest.raises(ValueError, match="more than one report"):
        merge([report, report], allow_partial=True)
    other = Report("x", [EngineInfo("x", "jco", "1")], [])
    with pytest.raises(ValueError, match="same engines"):
        merge([report, other], allow_partial=True)


def test_cache_info_and_clear(private_cache: Path) -> None:
    from tests.conftest import portcheck

    (private_cache / "components").mkdir(parents=True)
    (private_cache / "components" / "a.component.wasm").write_bytes(b"x" * 2048)
    (private_cache / "wasmtime").mkdir()
    (private_cache / "wasmtime" / "a.cwasm").write_bytes(b"y" * 10)
    info = portcheck("cache", "info")
    assert info.returncode == 0 and str(private_cache) in info.stdout
    assert "components" in info.stdout and "2.0 KB" in info.stdout
    assert portcheck("cache", "clear", "components").returncode == 0
    assert not (private_cache / "components").exists() and (private_cache / "wasmtime").exists()
    unknown = portcheck("cache", "clear", "nope")
    assert unknown.returncode == 2 and "nope: no such part of the cache" in unknown.stderr
    assert portcheck("cache", "clear").returncode == 0
    assert not (private_cache / "wasmtime").exists()
