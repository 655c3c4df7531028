"""How a refused rule set answers: the line and the reason."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.intake.edge.errors import problem
from shared.routing.rulestore import RuleSetError, RuleVersionTaken


async def _invalid_rules(_request: Request, exc: Exception) -> JSONResponse:
    # The message names the line and the reason (RuleSetError's contract).
    loc = ["body", "rules"]
    return problem(422, [{"field": "rules", "loc": loc, "msg": str(exc), "type": "invalid_rules"}])


async def _version_taken(_request: Request, exc: Exception) -> JSONResponse:
    loc = ["body", "rules", "version"]
    return problem(
        409, [{"field": "rules.version", "loc": loc, "msg": str(exc), "type": "conflict"}]
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(RuleSetError, _invalid_rules)
    app.add_exception_handler(RuleVersionTaken, _version_taken)
