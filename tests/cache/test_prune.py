"""The cache keeps itself small: least recently used first, pinned tools kept, artifacts checked."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from portcheck import cache
from portcheck.cache import prune
from portcheck.cli.common import keep_cache_under_cap
from tests.conftest import portcheck

MB = 1024**2


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PORTCHECK_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def made(path: Path, size: int, used_hours_ago: float, artifact: bool = True) -> Path:
    """A cache entry of `size` bytes, last used that long ago."""

    def write(temporary: Path) -> None:
        temporary.write_bytes(b"x" * size)

    cache.produce(path, write, checked=artifact)
    when = time.time() - used_hours_ago * 3600
    os.utime(cache.lock_of(path), (when, when))
    return path


def test_sizes_read_as_people_write_them() -> None:
    assert [prune.parse_size(text) for text in ("500M", "2G", "1.5GB", "2048", "10 KiB")] == [
        500 * MB, 2 * 1024 * MB, int(1.5 * 1024 * MB), 2048, 10 * 1024,
    ]  # fmt: skip
    assert prune.parse_size("lots") is None


def test_least_recently_used_artifacts_go_first_and_pinned_tools_stay(private_cache: Path) -> None:
    old = made(private_cache / "components" / "old.component.wasm", 3 * MB, used_hours_ago=30)
    new = made(private_cache / "components" / "new.component.wasm", 3 * MB, used_hours_ago=1)
    engine = made(private_cache / "bin" / "wasmtime-36.0.9", 5 * MB, used_hours_ago=100, artifact=False)
    other = made(private_cache / "bin" / "wasmtime-42.0.0", 5 * MB, used_hours_ago=50, artifact=False)
    found = prune.entries(private_cache)
    assert {e.path: e.artifact for e in found} == {old: True, new: True, engine: False, other: False}
    chosen = prune.choose(found, None, 11 * MB, pinned=[engine])
    assert [entry.path for entry in chosen] == [other]  # the oldest unpinned entry is enough
    chosen = prune.choose(found, None, 4 * MB, pinned=[engine])
    assert [entry.path for entry in chosen] == [other, old, new]  # a pinned engine stays, even over the size
    assert [e.path for e in prune.choose(found, 24 * 3600, None, pinned=[engine])] == [other, old]
    assert [e.path for e in prune.choose(found, None, 1, [], artifacts_only=True)] == [old, new]
    assert prune.choose(found, None, 1, [], keep_used_since=time.time() - 7200, artifacts_only=True) == [
        next(entry for entry in found if entry.path == old)
    ]
    assert prune.remove(chosen) == 11 * MB
    assert [entry.path for entry in prune.entries(private_cache)] == [engine]


def test_artifacts_inside_a_tool_are_entries_of_their_own(private_cache: Path) -> None:
    tool = private_cache / "jco" / "e59a"
    (tool / "node_modules").mkdir(parents=True)
    (tool / "node_modules" / "jco.js").write_bytes(b"j" * 100)
    prepared = made(tool / "prepared" / "k1", 40, used_hours_ago=2)
    sizes = {entry.path: entry.size for entry in prune.entries(private_cache)}
    assert sizes == {tool: 100, prepared: 40}


def test_the_cap_after_a_run_removes_old_artifacts_with_a_note(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    made(private_cache / "components" / "old.component.wasm", 3 * MB, used_hours_ago=30)
    kept = made(private_cache / "bin" / "node-20", 3 * MB, used_hours_ago=40, artifact=False)
    monkeypatch.setenv(prune.MAX_SIZE_VARIABLE, "2M")  # the artifacts (3 MB) are over it; tools do not count
    keep_cache_under_cap([], started=time.time())
    assert [entry.path for entry in prune.entries(private_cache)] == [kept]  # tools are never auto-pruned
    assert "over its 0.0 GB cap (PORTCHECK_CACHE_MAX_SIZE): removed the 1 least recently used" in (
        capsys.readouterr().err
    )


def test_a_damaged_artifact_is_made_again(private_cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    calls = []

    def write(temporary: Path) -> None:
        calls.append(1)
        temporary.write_bytes(b"whole artifact")

    target = cache.artifact(private_cache / "wasmtime" / "a.cwasm", write)
    target.write_bytes(b"whole")  # cut short, as a full disk would leave it
    cache._trusted.clear()  # a new process
    assert cache.artifact(target, write).read_bytes() == b"whole artifact"
    assert len(calls) == 2
    assert "cannot be trusted (its bytes no longer match the digest recorded" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--max-size", "lots"], "--max-size: lots: expected a size above 0"),
        (["--older-than", "-1"], "--older-than: -1.0: expected a number of days above 0 and at most 36500"),
        (["--older-than", "nan"], "--older-than: nan: expected a number of days"),
    ],
)
def test_prune_refuses_bad_limits_in_one_line(args: list[str], problem: str) -> None:
    finished = portcheck("cache", "prune", *args)
    assert finished.returncode == 2 and problem in finished.stderr
    assert "Traceback" not in finished.stderr


def test_prune_says_what_it_removed(private_cache: Path) -> None:
    made(private_cache / "components" / "old.component.wasm", 2 * MB, used_hours_ago=72)
    finished = portcheck("cache", "prune", "--older-than", "1")
    assert finished.returncode == 0, finished.stderr
    assert "removed " in finished.stdout and "old.component.wasm (2.0 MB)" in finished.stdout
    assert "freed 2.0 MB in 1 entries" in finished.stderr
