"""Where a request came from, for the sign-in lockout and the audit log."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str | None) -> Address | None:
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _trusted(address: Address) -> bool:
    return any(address in ipaddress.ip_network(network, strict=False) for network in settings.TRUSTED_PROXIES)


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address.

    ``REMOTE_ADDR`` is the peer that connected. Only when that peer is one of our own reverse proxies
    (``TRUSTED_PROXIES``) do we read ``X-Forwarded-For``, from the right, skipping our proxies: the first address
    that is not ours is the client. Anything left of it was written by the client and could be forged, so an
    attacker cannot escape the per-address lockout by sending the header.
    """
    if request is None:
        return None
    remote = _parse(request.META.get("REMOTE_ADDR"))
    if remote is None:
        return None
    if _trusted(remote):
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        for hop in reversed(hops):
            address = _parse(hop)
            if address is None:
                break
            if not _trusted(address):
                return str(address)
    return str(remote)
