"""The messaging gateway's contract: what it posts, and what it gets back."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from shared.domain import phone as phones

CHAT_ID = re.compile(r"^-?[0-9]{1,20}$")  # ASCII: \d takes other scripts' digits
MAX_TEXT = 2000

GatewayId = Annotated[
    str, StringConstraints(min_length=1, max_length=120, pattern=r"^[\x21-\x7e]+$")
]


def _one_line(value: str) -> str:
    if any(ch in value for ch in "\r\n\t"):
        raise PydanticCustomError("text", "one line, no tabs")
    return value


class InboundMessageIn(BaseModel):
    """One message a person sent. Fields the gateway adds beside these are ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: GatewayId = Field(
        description="The gateway's id of the message; sent again, it "
        "changes nothing and gets the same answer"
    )
    sender: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
        AfterValidator(_one_line),
    ] = Field(
        alias="from", description="The phone number (+62..., 62..., 08...) or Telegram chat id"
    )
    channel: Literal["whatsapp", "sms", "telegram"]
    text: Annotated[str, StringConstraints(max_length=MAX_TEXT)]
    in_reply_to: GatewayId | None = Field(
        default=None,
        description="The message it answers: the idempotency_key of a message Sekber sent",
    )

    def address(self) -> str:
        """The sender in the one form Sekber keeps: +62... or the chat id. Raises
        ValueError naming what is wrong."""
        if self.channel == "telegram":
            if not CHAT_ID.match(self.sender):
                raise ValueError("a Telegram chat id (digits, perhaps a leading -)")
            return self.sender
        number = phones.normalise(self.sender)
        if number is None:
            raise ValueError("a phone number such as +6281234567890 or 081234567890")
        return number


class InboundAccepted(BaseModel):
    """The message is kept; it is read and answered by a worker, not in this request."""

    id: str
    status: Literal["accepted"] = "accepted"
