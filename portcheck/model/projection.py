"""An observation flattened into named fields, for side-by-side views.

The names are the ones differences and expectations use (`stdout`, `responses[0].status`,
`origin.requests[1].headers[host]`), so a view can mark exactly the fields that differ.
"""

from __future__ import annotations

import functools

from portcheck.model import fields
from portcheck.model.observation import Exchange, Header, Observation, RecordedRequest, printable

Projection = dict[str, str]


def text(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bytes):
        return printable(value.decode("utf-8", "surrogateescape"))
    return printable(value) if isinstance(value, str) else str(value)


def lines_by_name(prefix: str, lines: list[Header] | None, out: Projection) -> None:
    """One row per field name, its values in order; the wire case and order in a row of their own."""
    if lines is None:
        return
    out[prefix] = "\n".join(f"{name}: {text(value)}" for name, value in lines) or "(none)"
    for lower in dict.fromkeys(name.lower() for name, _ in lines):
        out[fields.named(prefix, lower)] = "\n".join(
            text(value) for name, value in lines if name.lower() == lower
        )


def exchange_fields(index: int, exchange: Exchange, out: Projection) -> None:
    where = fields.item(fields.RESPONSES, index)
    at = functools.partial(fields.attribute, where)
    out[at("request")] = exchange.request
    if exchange.failure is not None:
        out[at("failure")] = exchange.failure + (f": {exchange.detail}" if exchange.detail else "")
    if exchange.status is not None:
        out[at("status")] = f"{exchange.status} {exchange.reason or ''}".strip()
    lines_by_name(at("headers"), exchange.headers, out)
    if exchange.body is not None:
        out[at("body")] = text(exchange.body)
    if exchange.extra is not None:
        out[at("extra")] = text(exchange.extra)
    if exchange.framing is not None:
        out[at("framing")] = exchange.framing
    if exchange.trailers:
        lines_by_name(at("trailers"), exchange.trailers, out)
    out[at("alive_after")] = text(exchange.alive_after)


def request_fields(index: int, request: RecordedRequest, out: Projection) -> None:
    where = fields.item(fields.ORIGIN_REQUESTS, index)
    at = functools.partial(fields.attribute, where)
    out[at("method")] = request.method
    out[at("target")] = request.target
    lines_by_name(at("headers"), request.headers, out)
    out[at("body")] = text(request.body)
    out[at("framing")] = request.framing
    if request.trailers:
        lines_by_name(at("trailers"), request.trailers, out)


def project(observation: Observation) -> Projection:
    out: Projection = {}
    if observation.failure is not None:
        out["failure"] = f"{observation.failure}: {text(observation.message)}"
    if observation.kind == "client":
        out["exit_code"] = text(observation.exit_code)
        out["stdout"] = text(observation.stdout)
    for index, exchange in enumerate(observation.exchanges):
        exchange_fields(index, exchange, out)
    for index, request in enumerate(observation.origin_requests):
        request_fields(index, request, out)
    return out


def rows(observations: dict[str, Observation]) -> list[tuple[str, dict[str, str]]]:
    """Every field any engine has, in first-seen order, with each engine's value ('' if absent)."""
    projected = {engine: project(observation) for engine, observation in observations.items()}
    names = dict.fromkeys(name for projection in projected.values() for name in projection)
    return [
        (name, {engine: projection.get(name, "") for engine, projection in projected.items()})
        for name in names
    ]
