"""POST /api/v1/gateway/inbound: the messaging gateway delivers what a person sent.

Signed as Standard Webhooks with SEKBER_GATEWAY_INBOUND_SECRET (webhook-id,
webhook-timestamp, webhook-signature); an unsigned, altered or replayed-late request gets
401 before its body is looked at, a malformed one 422 naming the field. The answer is 202
once the message is kept; handling happens in a worker.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from services.intake.deps import BodyDep, CorrelationIdDep, NowDep, SettingsDep, UowFactoryDep
from services.intake.edge.errors import refused
from services.intake.edge.textguard import SignedRoute, parse_json
from services.intake.messaging import receive as receiving
from services.intake.messaging.schemas import InboundAccepted, InboundMessageIn
from shared.domain import webhook_signature

router = APIRouter(route_class=SignedRoute, tags=["messaging gateway"])

_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"description": "Not signed with the gateway secret, altered, or outside the tolerance"},
    404: {"description": "Two-way messages are off (no SEKBER_GATEWAY_INBOUND_SECRET)"},
    422: {"description": "A field is missing or malformed"},
}


@router.post("/gateway/inbound", status_code=202, responses=_RESPONSES)
def inbound(
    request: Request,
    body: BodyDep,
    response: Response,
    settings: SettingsDep,
    uow_factory: UowFactoryDep,
    correlation_id: CorrelationIdDep,
    now: NowDep,
) -> InboundAccepted:
    """A message a person sent to Sekber's number or bot. Kept once by its `id`: the same
    id again changes nothing and gets the same answer (with `Idempotent-Replayed: true`).
    Body: `{"id", "from", "channel": "whatsapp" | "sms" | "telegram", "text",
    "in_reply_to"?}`. Format of the messages and the replies: docs/messaging.md."""
    secret = settings.gateway_inbound_secret
    if not secret:
        raise refused(404, ["path"], "two-way messages are off on this server", "off")
    try:
        webhook_signature.verify(
            secret, request.headers, body, settings.gateway_inbound_tolerance_seconds
        )
    except webhook_signature.InvalidSignature as exc:
        raise refused(401, ["header", "webhook-signature"], str(exc), "signature") from None
    document = parse_json(body) if body else None
    try:
        message = InboundMessageIn.model_validate(document)
        sender = message.address()
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ["body", *(str(p) for p in first["loc"])] if isinstance(document, dict) else ["body"]
        raise refused(422, loc, first["msg"], first["type"]) from None
    except ValueError as exc:
        raise refused(422, ["body", "from"], str(exc), "value_error") from None
    received = receiving.receive(
        uow_factory=uow_factory,
        message=message,
        sender=sender,
        correlation_id=correlation_id,
        now=now,
    )
    if received.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return InboundAccepted(id=received.gateway_id)
