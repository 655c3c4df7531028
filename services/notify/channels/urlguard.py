"""Where notify may send: HTTPS to public addresses, outside development and test.

The webhook, the messaging gateway and the Telegram API base are configured URLs; a
mistaken or malicious one must not make notify post messages (with personal data and a
signature) in clear text, or to a service inside the deployment's own network (SSRF):
loopback, private, link-local (cloud metadata at 169.254.169.254), multicast or reserved
addresses. `check_config` runs when the channels are built (scheme, IP literals);
`check_send` before each request also resolves the host name, as its addresses may
change. What remains: a name that resolves to a public address for the check and to a
private one for the request a moment later (DNS rebinding) is not caught here; a
deployment that fears it pins the receivers' addresses at its egress firewall.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

RELAXED = frozenset({"development", "test"})


class UnsafeUrl(ValueError):
    """The URL is not HTTPS or points inside the network."""


def _host(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    if not parts.hostname:
        raise UnsafeUrl(f"{_safe(url)} has no host")
    return parts.scheme.lower(), parts.hostname


def _safe(url: str) -> str:
    """The URL without its path, which may hold a token (Telegram's)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}"


def _refuse_internal(address: str, url: str) -> None:
    ip = ipaddress.ip_address(address)
    if not ip.is_global or ip.is_multicast:
        raise UnsafeUrl(f"{_safe(url)} points to {ip}, an internal address")


def check_config(url: str, *, environment: str) -> None:
    scheme, host = _host(url)
    if environment in RELAXED:
        if scheme not in ("http", "https"):
            raise UnsafeUrl(f"{_safe(url)}: only http or https")
        return
    if scheme != "https":
        raise UnsafeUrl(f"{_safe(url)}: notify sends over https only")
    try:
        _refuse_internal(host, url)
    except ValueError as exc:
        if isinstance(exc, UnsafeUrl):
            raise
        # A host name, not an IP literal: resolved at send time.


def check_send(url: str, *, environment: str) -> None:
    check_config(url, environment=environment)
    if environment in RELAXED:
        return
    _, host = _host(url)
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise UnsafeUrl(f"{_safe(url)}: cannot resolve {host}: {exc}") from exc
    for info in infos:
        _refuse_internal(str(info[4][0]), url)
