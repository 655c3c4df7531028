"""Logging set-up for every Sekber process."""

from __future__ import annotations

import logging
import sys


def configure(level: str, *, name: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        stream=sys.stderr,
        format=f"%(asctime)s %(levelname)-5s {name} %(name)s: %(message)s",
        force=True,
    )
