"""Logging set-up for every Sekber process."""

from __future__ import annotations

import logging
import sys
from typing import Literal


def configure(level: str, *, name: str, fmt: Literal["json", "text"] = "text") -> None:
    from shared.runtime.logcontext import CorrelationFilter, JsonFormatter, text_format

    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(CorrelationFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter(service=name))
    else:
        handler.setFormatter(logging.Formatter(text_format(name)))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
