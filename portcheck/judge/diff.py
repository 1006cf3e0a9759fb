"""Compare one engine's observation with the baseline's: differences decide the verdict, notes do not.

Default normalization follows what HTTP says is significant:
- header names compare case-insensitively (RFC 9110 5.1); a case difference becomes a note;
- the order of lines with the same name is significant, the relative order of lines with
  different names is not (RFC 9110 5.3); a difference in the latter becomes a note;
- transport headers that engines add themselves, and the framing they choose (Content-Length
  or chunked), are kept in the report but left out of the verdict.
`strict_headers` compares all of these exactly as they crossed the wire.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from portcheck.judge.normalize import body_text, by_name, masked
from portcheck.model import fields
from portcheck.model.observation import (
    TRANSPORT_HEADERS,
    Exchange,
    Header,
    Observation,
    RecordedRequest,
    printable,
)
from portcheck.model.report import Difference
from portcheck.model.scenario import Normalize


@dataclass(frozen=True)
class Options:
    strict_headers: bool = False
    normalize: Normalize = field(default_factory=Normalize)


@dataclass
class Comparison:
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def differ(self, name: str, baseline: Any, engine: Any) -> None:
        if baseline != engine:
            self.differences.append(Difference(name, baseline, engine))

    def note(self, name: str, baseline: Any, engine: Any, why: str) -> None:
        if baseline != engine:
            self.notes.append(f"{name}: {why}: {show(baseline)} vs {show(engine)}")


def show(value: Any) -> str:
    return printable(value) if isinstance(value, str) else repr(value)


def compare(baseline: Observation, engine: Observation, options: Options) -> Comparison:
    result = Comparison()
    result.differ("failure", baseline.failure, engine.failure)
    if baseline.kind == "client":
        result.differ("exit_code", baseline.exit_code, engine.exit_code)
        patterns = options.normalize.stdout
        result.differ("stdout", masked(baseline.stdout, patterns), masked(engine.stdout, patterns))
    else:
        compare_exchanges(baseline.exchanges, engine.exchanges, options, result)
    compare_origin_requests(baseline.origin_requests, engine.origin_requests, options, result)
    return result


def compare_exchanges(
    baseline: list[Exchange], engine: list[Exchange], options: Options, result: Comparison
) -> None:
    result.differ(fields.count(fields.RESPONSES), len(baseline), len(engine))
    for index, (ours, theirs) in enumerate(zip(baseline, engine, strict=False)):
        where = fields.item(fields.RESPONSES, index)
        at = functools.partial(fields.attribute, where)
        if ours.failure != theirs.failure:
            # A response against none at all: say so once rather than field by field.
            result.differ(where, outline(ours), outline(theirs))
        else:
            result.differ(at("status"), ours.status, theirs.status)
            if ours.headers is not None and theirs.headers is not None:
                compare_headers(ours.headers, theirs.headers, at("headers"), options, result)
            patterns = options.normalize.body
            result.differ(at("body"), body_text(ours.body, patterns), body_text(theirs.body, patterns))
            result.differ(at("extra"), body_text(ours.extra, patterns), body_text(theirs.extra, patterns))
            compare_trailers(ours.trailers, theirs.trailers, at("trailers"), options, result)
            transport_field(at("framing"), ours.framing, theirs.framing, options, result)
            transport_field(at("reason"), ours.reason, theirs.reason, options, result)
        result.differ(at("alive_after"), ours.alive_after, theirs.alive_after)


def outline(exchange: Exchange) -> str:
    if exchange.failure is not None:
        return f"{exchange.failure}" + (
            f" after status {exchange.status}" if exchange.status is not None else ""
        )
    return f"status {exchange.status}"


def compare_origin_requests(
    baseline: list[RecordedRequest], engine: list[RecordedRequest], options: Options, result: Comparison
) -> None:
    result.differ(fields.count(fields.ORIGIN_REQUESTS), len(baseline), len(engine))
    for index, (ours, theirs) in enumerate(zip(baseline, engine, strict=False)):
        at = functools.partial(fields.attribute, fields.item(fields.ORIGIN_REQUESTS, index))
        result.differ(at("method"), ours.method, theirs.method)
        result.differ(at("target"), ours.target, theirs.target)
        compare_headers(ours.headers, theirs.headers, at("headers"), options, result)
        patterns = options.normalize.body
        result.differ(at("body"), body_text(ours.body, patterns), body_text(theirs.body, patterns))
        compare_trailers(ours.trailers, theirs.trailers, at("trailers"), options, result)
        transport_field(at("framing"), ours.framing, theirs.framing, options, result)


def compare_trailers(
    baseline: list[Header] | None,
    engine: list[Header] | None,
    where: str,
    options: Options,
    result: Comparison,
) -> None:
    """Trailers compare like headers; none at all and an empty trailer section are the same."""
    compare_headers(baseline or [], engine or [], where, options, result)


def transport_field(name: str, baseline: Any, engine: Any, options: Options, result: Comparison) -> None:
    if options.strict_headers:
        result.differ(name, baseline, engine)
    else:
        result.note(name, baseline, engine, "differs (transport detail, not compared)")


def compare_headers(
    baseline: list[Header], engine: list[Header], where: str, options: Options, result: Comparison
) -> None:
    if options.strict_headers:
        result.differ(where, [list(pair) for pair in baseline], [list(pair) for pair in engine])
        return
    ours, theirs = by_name(baseline), by_name(engine)
    for name in dict.fromkeys([*ours, *theirs]):
        result.differ(fields.named(where, name), ours.get(name, []), theirs.get(name, []))
    transport_ours = [list(pair) for pair in baseline if pair[0].lower() in TRANSPORT_HEADERS]
    transport_theirs = [list(pair) for pair in engine if pair[0].lower() in TRANSPORT_HEADERS]
    result.note(f"{where} (transport)", transport_ours, transport_theirs, "differ (not compared)")
    if ours == theirs:
        result.note(
            f"{where} order", list(ours), list(theirs), "names in a different order (not significant)"
        )
        cased_ours = [name for name, _ in baseline if name.lower() not in TRANSPORT_HEADERS]
        cased_theirs = [name for name, _ in engine if name.lower() not in TRANSPORT_HEADERS]
        if sorted(cased_ours, key=str.lower) != sorted(cased_theirs, key=str.lower):
            result.note(
                f"{where} name case", cased_ours, cased_theirs, "names differ in case only (not compared)"
            )
