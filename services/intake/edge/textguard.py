"""Every input the HTTP edge takes passes here before a route sees it.

`GuardedRoute` is the route class of every router (services/intake/access/policy.py refuses an
app with a route of another class). Before FastAPI parses anything it checks path and query
parameters, the stored headers and the body against the free-text rule
(shared/domain/text.py), and parses a JSON body strictly: UTF-8 only, no duplicate keys,
nesting and numbers bounded. A refusal is a 4xx naming the field; nothing runs and nothing
is stored. Text that passes reaches the route in NFC.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine, Iterable
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes, urlencode

from fastapi import HTTPException, Request, Response
from fastapi.params import File, Form
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from starlette.datastructures import Headers

from shared.domain import text

MAX_DEPTH = 32
MAX_INT_DIGITS = 20
MAX_FLOAT_CHARS = 40
# Headers a route keeps (an idempotency key is stored with the case); the others are
# credentials, checked by what reads them.
STORED_HEADERS = ("idempotency-key", "if-match", "x-correlation-id")
_BODILESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
UNSUPPORTED_MEDIA_TYPE = {
    "model": None,
    "description": "The body is not of a media type this operation takes",
}


class InputRefused(HTTPException):
    """A refused input, in the same shape as every other 4xx (services/intake/edge/errors.py);
    `page` when a web page was asked for (the app answers with a page, not JSON)."""

    def __init__(self, status: int, loc: list[Any], msg: str, kind: str) -> None:
        loc = [shown(p) if isinstance(p, str) else p for p in loc]
        parts = [str(p) for p in loc if p not in ("body", "header", "query", "path")]
        self.field = ".".join(parts) or "body"
        self.msg = msg
        self.page = False
        detail = [{"field": self.field, "loc": loc, "msg": msg, "type": kind}]
        super().__init__(status, detail=detail)


def refusal(status: int, loc: list[Any], msg: str, kind: str) -> InputRefused:
    return InputRefused(status, loc, msg, kind)


def shown(name: str) -> str:
    """A field name as a refusal may echo it: refused characters escaped (\\u0000), so
    the answer is printable and always encodes."""
    if text.problem(name, one_line=True) is None:
        return name
    return "".join(
        f"\\u{ord(c):04x}" if text.problem(c, one_line=True) is not None else c for c in name
    )


def _undecodable(value: str) -> bool:
    """Bytes that were not UTF-8, kept by the surrogateescape error handler."""
    return any("\udc80" <= c <= "\udcff" for c in value)


NOT_UTF8 = "not valid UTF-8"


def checked(value: str, loc: list[Any]) -> str:
    """`value` in NFC, or a 422 naming `loc`."""
    try:
        return text.clean(value)
    except text.TextError as exc:
        raise refusal(422, loc, str(exc), "text") from None


# --- JSON ----------------------------------------------------------------------------


class _Object(dict[str, Any]):
    """A JSON object that remembers the first key it was given twice."""

    duplicate: str | None = None


class _BadNumber:
    def __init__(self, msg: str) -> None:
        self.msg = msg


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    for key, value in pairs:
        if key in obj and obj.duplicate is None:
            obj.duplicate = key
        obj[key] = value
    return obj


def _int(literal: str) -> int | _BadNumber:
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        return _BadNumber(f"number longer than {MAX_INT_DIGITS} digits")
    return int(literal)


def _float(literal: str) -> float | _BadNumber:
    if len(literal) > MAX_FLOAT_CHARS:
        return _BadNumber(f"number longer than {MAX_FLOAT_CHARS} characters")
    value = float(literal)
    return value if math.isfinite(value) else _BadNumber("number out of range")


def _constant(literal: str) -> _BadNumber:
    return _BadNumber(f"{literal} is not a JSON number")


def parse_json(body: bytes) -> Any:
    """The JSON document in `body`, every string checked and in NFC; or a 422 naming the
    field (or the line and column of a syntax error)."""
    try:
        document = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refusal(
            422, ["body"], f"body is not valid UTF-8 (byte {exc.start})", "json_invalid"
        ) from None
    try:
        parsed = json.loads(
            document,
            object_pairs_hook=_pairs,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
        )
    except json.JSONDecodeError as exc:
        msg = f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        raise refusal(422, ["body"], msg, "json_invalid") from None
    except RecursionError:
        raise refusal(
            422, ["body"], f"nested deeper than {MAX_DEPTH} levels", "json_too_deep"
        ) from None
    return _walk(parsed, ["body"], 0)


def _walk(value: Any, loc: list[Any], depth: int) -> Any:
    if isinstance(value, str):
        return checked(value, loc)
    if isinstance(value, _BadNumber):
        raise refusal(422, loc, value.msg, "json_number")
    if not isinstance(value, list | dict):
        return value
    if depth >= MAX_DEPTH:
        raise refusal(422, loc, f"nested deeper than {MAX_DEPTH} levels", "json_too_deep")
    if isinstance(value, list):
        return [_walk(item, [*loc, i], depth + 1) for i, item in enumerate(value)]
    if isinstance(value, _Object) and value.duplicate is not None:
        raise refusal(422, [*loc, value.duplicate], "key given twice", "json_duplicate_key")
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = checked(key, [*loc, key])
        out[name] = _walk(item, [*loc, name], depth + 1)
    return out


# --- forms, query, path, headers ------------------------------------------------------


def parse_form(body: bytes) -> list[tuple[str, str]]:
    """An application/x-www-form-urlencoded body as (name, value) pairs, each checked and
    in NFC; or a 422 naming the field."""
    try:
        decoded = body.decode("ascii")
    except UnicodeDecodeError:
        raise refusal(422, ["body"], "form body is not URL-encoded", "form_invalid") from None
    return _checked_pairs(
        parse_qsl(decoded, keep_blank_values=True, errors="surrogateescape"), "body"
    )


def _checked_pairs(pairs: list[tuple[str, str]], where: str) -> list[tuple[str, str]]:
    checked_pairs = []
    for key, value in pairs:
        if _undecodable(key):
            raise refusal(422, [where, key], f"name {NOT_UTF8}", "text")
        if _undecodable(value):
            raise refusal(422, [where, key], NOT_UTF8, "text")
        checked_pairs.append((checked(key, [where, key]), checked(value, [where, key])))
    return checked_pairs


def _check_query(request: Request) -> None:
    raw = request.scope.get("query_string", b"").decode("latin-1")
    pairs = parse_qsl(raw, keep_blank_values=True, errors="surrogateescape")
    cleaned = _checked_pairs(pairs, "query")
    if cleaned != pairs:
        request.scope["query_string"] = urlencode(cleaned).encode("ascii")


def _check_path(request: Request) -> None:
    params: dict[str, Any] = request.scope.get("path_params", {})
    raw_path: bytes = request.scope.get("raw_path") or b""
    try:
        unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        damaged = [n for n, v in params.items() if isinstance(v, str) and "\ufffd" in v]
        raise refusal(422, ["path", *damaged[:1]], NOT_UTF8, "text") from None
    for name, value in params.items():
        if isinstance(value, str):
            params[name] = checked(value, ["path", name])


def _check_headers(request: Request) -> None:
    for raw_name, raw_value in request.headers.raw:
        name = raw_name.decode("latin-1").lower()
        if name not in STORED_HEADERS:
            continue
        try:
            value = raw_value.decode("utf-8")
        except UnicodeDecodeError:
            raise refusal(422, ["header", name.title()], NOT_UTF8, "text") from None
        checked(value, ["header", name.title()])


def _media_type(headers: Headers) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


def _charset(headers: Headers) -> str:
    for parameter in headers.get("content-type", "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return ""


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


class _CheckedRequest(Request):
    """The request with its body already read and checked, and its JSON parsed."""

    def __init__(self, request: Request, body: bytes, document: Any) -> None:
        super().__init__(request.scope, request.receive)
        self._body = body
        self._document = document

    async def json(self) -> Any:
        return self._document


class GuardedRoute(APIRoute):
    checks_body = True

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        if self.body_field is not None and 415 not in self.responses:
            self.responses = {**self.responses, 415: UNSUPPORTED_MEDIA_TYPE}

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        takes = _body_kind(self)
        # A page, or an answer a person reads in a browser (a signed action link).
        page = not self.include_in_schema or _answers_html(self)
        if not self.include_in_schema and takes != "multipart":
            takes = "page"  # the pages' forms are URL-encoded, but for a file upload

        async def guarded(request: Request) -> Response:
            try:
                checked_request = await _checked(request, takes if self.checks_body else "raw")
            except InputRefused as exc:
                exc.page = page
                raise
            return await handler(checked_request)

        return guarded


async def _checked(request: Request, takes: str | None) -> Request:
    _check_path(request)
    _check_query(request)
    _check_headers(request)
    if request.method in _BODILESS or takes == "raw":
        return request
    body = await request.body()
    media_type = _media_type(request.headers)
    document: Any = None
    if not body:
        pass
    elif takes == "multipart":
        # A file upload: the route reads the file's content by its own rule (an import's
        # cells pass the free-text rule there); it takes no other field.
        if media_type != "multipart/form-data":
            raise refusal(
                415,
                ["header", "Content-Type"],
                f"send multipart/form-data with the file, not {media_type or 'no content type'}",
                "media_type",
            )
    elif media_type == "application/x-www-form-urlencoded":
        body = urlencode(parse_form(body)).encode("ascii")
    elif _is_json(media_type) and takes != "page":
        if _charset(request.headers) not in ("", "utf-8", "utf8"):
            raise refusal(
                415, ["header", "Content-Type"], "JSON is read as UTF-8 only", "media_type"
            )
        document = parse_json(body)
    elif takes in ("json", "form", "page"):
        expected = "application/json" if takes == "json" else "a form"
        if takes == "page":
            expected = "application/x-www-form-urlencoded"
        raise refusal(
            415,
            ["header", "Content-Type"],
            f"send {expected}, not {media_type or 'no content type'}",
            "media_type",
        )
    return _CheckedRequest(request, body, document)


class SignedRoute(GuardedRoute):
    """A route whose body is signed (the messaging gateway's webhook): the body reaches
    the route as it came, so that the route checks the signature before anything reads
    it, and then parses it with parse_json (the same rule). Path, query and headers are
    checked as for every route."""

    checks_body = False


def _answers_html(route: APIRoute) -> bool:
    response_class = getattr(route.response_class, "value", route.response_class)
    return isinstance(response_class, type) and issubclass(response_class, HTMLResponse)


def _body_kind(route: APIRoute) -> str | None:
    """What body the route's parameters take: 'json', 'form', 'multipart' (a file) or
    None (none, or raw)."""
    if route.body_field is None:
        return None
    if any(isinstance(p.field_info, File) for p in route.dependant.body_params):
        return "multipart"
    if isinstance(route.body_field.field_info, Form):
        return "form"
    return "json"


def routes_not_guarded(routes: Iterable[object]) -> list[str]:
    """Routes that would take input without passing the guard."""
    return [
        f"{sorted(r.methods or ())} {r.path}"
        for r in routes
        if isinstance(r, APIRoute) and not isinstance(r, GuardedRoute)
    ]
