"""A whole fuzz run, from options to the files in the output folder (the CLI only parses and prints)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis.database import DirectoryBasedExampleDatabase

from portcheck import cache
from portcheck.engines.interface import Engine
from portcheck.fuzz import GENERATORS
from portcheck.fuzz.buckets import Buckets
from portcheck.fuzz.budget import Budget
from portcheck.fuzz.campaign import Campaign, Tally
from portcheck.fuzz.found import found_md, found_toml, fuzz_json, write_found
from portcheck.fuzz.known import KnownClass
from portcheck.fuzz.seeds import Seeds
from portcheck.fuzz.targets import Target, prepared_target
from portcheck.fuzz.verify import Setting, Verified, verify_all
from portcheck.judge.diff import Options
from portcheck.model.report import EngineInfo
from portcheck.model.scenario import EngineSpec, Scenario


@dataclass
class Plan:
    specs: tuple[EngineSpec, ...]
    baseline: str
    generators: list[str]
    seed: int
    budget: float | None
    cases: int | None
    output: Path
    guest: str = "python"
    component: Path | None = None
    known: list[KnownClass] = field(default_factory=list)
    scenarios: tuple[Scenario, ...] = ()  # the user's, as seeds
    strict_headers: bool = False
    replay: bool = True
    jobs: int = 2


@dataclass
class Outcome:
    buckets: Buckets
    reproduced: int
    tally: Tally
    interrupted: bool


def database() -> DirectoryBasedExampleDatabase:
    return DirectoryBasedExampleDatabase(cache.root() / "fuzz" / "examples")


def fuzz(
    plan: Plan, engines: list[Engine], progress: Callable[[Tally], None], say: Callable[[str], None]
) -> Outcome:
    started = time.monotonic()
    seeds = Seeds.from_scenarios(plan.scenarios)
    targets: dict[str, Target] = {}
    for name in plan.generators:  # built and prepared once (cached); the budget starts after
        generator = GENERATORS[name](seeds, generic=plan.component is None)
        say(f"{name}: preparing the {plan.guest if plan.component is None else 'given'} component")
        targets[name] = target = prepared_target(generator, engines, plan.guest, plan.component)
        for engine, observation in target.skipped.items():
            say(f"{name}: {engine} left out: {observation.skipped or observation.message}")
    prepared = time.monotonic()
    buckets = Buckets(known=plan.known)
    budget = Budget(plan.budget, plan.cases, len(plan.generators))
    options = Options(strict_headers=plan.strict_headers)
    campaign = Campaign(
        buckets,
        budget,
        plan.seed,
        plan.baseline,
        options,
        database() if plan.replay else None,
        progress,
        lanes=plan.jobs,
    )
    interrupted = False
    try:
        for target in targets.values():
            campaign.run(target)
    except KeyboardInterrupt:
        interrupted = True
    verified = Verified()
    candidates = list(buckets.found.values())
    if candidates and not interrupted:
        say(f"verifying {len(candidates)} bucket(s) with portcheck run")
        verifying = time.monotonic()
        deadline = None if budget.end is None else budget.end
        try:
            setting = Setting(targets, plan.specs, engines, plan.baseline, plan.seed, plan.output, plan.jobs)
            verified = verify_all(candidates, setting, deadline)
        except KeyboardInterrupt:
            interrupted = True
        campaign.tally.steps["verify_seconds"] = round(time.monotonic() - verifying, 2)  # type: ignore[assignment]
    reproduced = [bucket for bucket in candidates if bucket.verified == "reproduced" or interrupted]
    others = [bucket for bucket in candidates if bucket not in reproduced]
    infos = [
        EngineInfo(engine.name, engine.spec.type, engine.version(), engine.variant()) for engine in engines
    ]
    write_outputs(
        plan,
        buckets,
        targets,
        campaign.tally,
        infos,
        verified,
        reproduced,
        others,
        (started, prepared),
        interrupted,
    )
    return Outcome(buckets, len(reproduced), campaign.tally, interrupted)


def write_outputs(
    plan: Plan,
    buckets: Buckets,
    targets: dict[str, Target],
    tally: Tally,
    infos: list[EngineInfo],
    verified: Verified,
    reproduced: list,
    others: list,
    times: tuple[float, float],
    interrupted: bool,
) -> None:
    text, files = found_toml(reproduced, targets, plan.specs, plan.baseline, plan.seed, plan.output)
    write_found(plan.output, text, files)
    run = {
        "seed": plan.seed,
        "seconds": round(time.monotonic() - times[1], 1),  # the budgeted part: after the guests are ready
        "prepare_seconds": round(times[1] - times[0], 1),
        "budget": plan.budget,
        "cases_limit": plan.cases,
        "generators": plan.generators,
        "guest": plan.guest,
        "interrupted": interrupted,
    }
    (plan.output / "fuzz.json").write_text(fuzz_json(buckets, targets, tally, infos, plan.baseline, run))
    (plan.output / "found.md").write_text(
        found_md(reproduced, others, targets, verified.results, verified.report, plan.output)
    )
