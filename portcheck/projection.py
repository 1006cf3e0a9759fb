"""An observation flattened into named fields, for side-by-side views.

The names are the ones differences and expectations use (`stdout`, `responses[0].status`,
`origin.requests[1].headers[host]`), so a view can mark exactly the fields that differ.
"""

from __future__ import annotations

from portcheck.observations import Exchange, Header, Observation, RecordedRequest, printable

Projection = dict[str, str]


def text(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bytes):
        return printable(value.decode("utf-8", "surrogateescape"))
    return printable(value) if isinstance(value, str) else str(value)


def fields_by_name(prefix: str, fields: list[Header] | None, out: Projection) -> None:
    """One row per field name, its values in order; the wire case and order in a row of their own."""
    if fields is None:
        return
    out[prefix] = "\n".join(f"{name}: {text(value)}" for name, value in fields) or "(none)"
    for lower in dict.fromkeys(name.lower() for name, _ in fields):
        out[f"{prefix}[{lower}]"] = "\n".join(text(value) for name, value in fields if name.lower() == lower)


def exchange_fields(index: int, exchange: Exchange, out: Projection) -> None:
    where = f"responses[{index}]"
    out[f"{where}.request"] = exchange.request
    if exchange.failure is not None:
        out[f"{where}.failure"] = exchange.failure
    if exchange.status is not None:
        out[f"{where}.status"] = f"{exchange.status} {exchange.reason or ''}".strip()
    fields_by_name(f"{where}.headers", exchange.headers, out)
    if exchange.body is not None:
        out[f"{where}.body"] = text(exchange.body)
    if exchange.framing is not None:
        out[f"{where}.framing"] = exchange.framing
    if exchange.trailers:
        fields_by_name(f"{where}.trailers", exchange.trailers, out)
    out[f"{where}.alive_after"] = text(exchange.alive_after)


def request_fields(index: int, request: RecordedRequest, out: Projection) -> None:
    where = f"origin.requests[{index}]"
    out[f"{where}.method"] = request.method
    out[f"{where}.target"] = request.target
    fields_by_name(f"{where}.headers", request.headers, out)
    out[f"{where}.body"] = text(request.body)
    out[f"{where}.framing"] = request.framing
    if request.trailers:
        fields_by_name(f"{where}.trailers", request.trailers, out)


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
