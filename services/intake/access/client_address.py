"""The client's address: the one function that says who is on the other end of a request.

Forwarded headers are believed only from proxies named in SEKBER_TRUSTED_PROXIES
(addresses or CIDR blocks; empty by default, so nothing is believed). From a named proxy,
X-Forwarded-For is read from the right, skipping the named proxies: the first address that
is not one of them is the client (the leftmost entries are whatever the client wrote).
X-Forwarded-Proto from a named proxy sets the scheme.

The middleware puts the address in the ASGI scope's `client`, so the audit trail, the
sign-in throttle and every `request.client` see the address actually used. The intake runs
uvicorn with its own proxy-header handling off (sekber_cli/services.py), which otherwise
trusts X-Forwarded-For from 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDR blocks; a bare address is a block of one. Raises ValueError."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def _normalised(address: str) -> str:
    """An address as Python writes it (IPv6 lower case, an IPv4-mapped IPv6 as IPv4)."""
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def client_address(peer: str, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """The client's address, given the peer of the connection and the X-Forwarded-For
    headers' values (in order)."""
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _normalised(hop)
        if not address:
            return peer  # garbage the named proxy passed on: the proxy is what we know
        if not _is_trusted(address, trusted):
            return address
    return _normalised(hops[0]) if hops else peer


class ClientAddress:
    """Sets scope["client"] (and, from a named proxy, scope["scheme"]) once per request."""

    def __init__(self, app: ASGIApp, *, trusted: Sequence[Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.trusted:
            peer, port = scope.get("client") or ("", 0)
            if _is_trusted(peer, self.trusted):
                headers = scope.get("headers", [])
                forwarded = [v.decode("latin-1") for k, v in headers if k == b"x-forwarded-for"]
                scope["client"] = (client_address(peer, forwarded, self.trusted), port)
                proto = [v.decode("latin-1") for k, v in headers if k == b"x-forwarded-proto"]
                if proto and proto[-1].split(",")[-1].strip() in ("http", "https"):
                    secure = proto[-1].split(",")[-1].strip() == "https"
                    if scope["type"] == "websocket":
                        scope["scheme"] = "wss" if secure else "ws"
                    else:
                        scope["scheme"] = "https" if secure else "http"
        await self.app(scope, receive, send)
