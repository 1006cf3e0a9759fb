"""The judge: from raw observations to a Report (normalize, diff, spec expectations, known, verdict).

Plain data in, plain data out: nothing here touches a process or a socket.
"""

from __future__ import annotations

from collections.abc import Sequence

from portcheck.judge.diff import Options
from portcheck.judge.known import apply_known, stale_entries
from portcheck.judge.shards import Given, IncompleteShards, check_shards
from portcheck.judge.twins import compare_twins
from portcheck.judge.verdict import judge_scenario
from portcheck.model.observation import Observation
from portcheck.model.report import EngineInfo, Report
from portcheck.model.scenario import Matrix

__all__ = ["IncompleteShards", "judge", "merge"]


def judge(matrix: Matrix, engines: list[EngineInfo], observed: dict[str, dict[str, Observation]]) -> Report:
    results, options_by_name = [], {}
    for scenario in matrix.scenarios:
        options = Options(strict_headers=matrix.strict_headers, normalize=scenario.normalize)
        results.append(judge_scenario(scenario, observed[scenario.name], matrix.baseline, options))
        options_by_name[scenario.name] = options
    compare_twins(results, options_by_name)
    used = [entry for result in results for entry in apply_known(result, matrix.known)]
    ran = {result.name for result in results}
    stale = stale_entries(matrix.known, used, ran, {engine.name for engine in engines})
    return Report(
        baseline=matrix.baseline, engines=engines, scenarios=results, stale=stale, shard=matrix.shard
    )


def merge(reports: list[Report], names: Sequence[str] = (), allow_partial: bool = False) -> Report:
    """One report from the reports of every shard of one run (same baseline and engines, disjoint scenarios).

    Reports that are not every shard of one run exactly once raise `IncompleteShards`, naming
    what is wrong (with `names`, such as file names, for the reports); `allow_partial` merges
    them anyway (repeated shards once) into a report marked partial, which never passes.
    """
    labels = list(names) or [f"report {number}" for number in range(1, len(reports) + 1)]
    checked = check_shards([Given(label, report) for label, report in zip(labels, reports, strict=True)])
    if checked.problems and not allow_partial:
        raise IncompleteShards("; ".join(checked.problems) + " (--allow-partial merges anyway)")
    reports = [item.report for item in checked.mergeable]
    first = reports[0]
    columns = [engine.name for engine in first.engines]
    seen: set[str] = set()
    for report in reports:
        if report.baseline != first.baseline or [engine.name for engine in report.engines] != columns:
            raise ValueError(f"the reports do not have the same engines and baseline ({', '.join(columns)})")
        duplicates = seen & {result.name for result in report.scenarios}
        if duplicates:
            raise ValueError(f"scenario {sorted(duplicates)[0]!r} is in more than one report")
        seen |= {result.name for result in report.scenarios}
    scenarios = sorted(
        (r for report in reports for r in report.scenarios), key=lambda r: (r.position, r.name)
    )
    stale = [entry for report in reports for entry in report.stale]
    compare_twins(
        scenarios, {}
    )  # a twin may have run in another shard: compared again, normalized by default
    return Report(
        baseline=first.baseline,
        engines=first.engines,
        scenarios=scenarios,
        stale=stale,
        partial=checked.problems,
    )
