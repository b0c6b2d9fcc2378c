"""Where the service may POST: the SSRF check on a subscription's URL.

A partner names the URL and the worker POSTs to it from inside the district's network, so a
URL that reaches the service's own host, its cloud's metadata address or an internal system
is refused: loopback, link-local, private, reserved, multicast and unspecified addresses.
The host is resolved and every address it resolves to is checked (a name may point anywhere);
the worker checks again before each batch, since a name's addresses can change after it was
accepted. `WEBHOOKS_ALLOW_PRIVATE` lets them through (tests, a receiver on an intranet).
"""

import ipaddress
import socket
import urllib.parse

from flask import current_app

from core.errors import Invalid

SCHEMES = ("http", "https")


def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
        or not address.is_global
    )


def refusal(url: str) -> str | None:
    """Why the worker may not POST to `url`, or None when it may."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        return "Give an absolute http:// or https:// URL."
    if parts.username or parts.password:
        return "Give the URL without credentials: the signature authenticates the service."
    try:
        port = parts.port
    except ValueError:
        return "The URL's port is not a number from 0 to 65535."
    if current_app.config["WEBHOOKS_ALLOW_PRIVATE"]:
        return None
    try:
        found = socket.getaddrinfo(parts.hostname, port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return f"The host {parts.hostname!r} does not resolve."
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if _refused(address):
            return (
                f"The host {parts.hostname!r} resolves to {address}, a loopback, link-local, private or reserved "
                "address: the service posts only to public addresses."
            )
    return None


def ensure_public(url: str, field: str = "url") -> None:
    """Refuse (422) a URL the worker may not POST to."""
    reason = refusal(url)
    if reason is not None:
        raise Invalid(field, reason)
