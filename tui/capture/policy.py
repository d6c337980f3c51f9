"""Which addresses a capture may reach: only public internet hosts on ports 80 and 443.

A page being captured was chosen by a harasser.  It may try to make the browser (or a
lookup) reach the helper's own machine or home network: a redirect to
``http://127.0.0.1:631/``, an ``<img>`` aimed at the router, a host name that
resolves to ``10.0.0.1``, ``http://2130706433/`` (127.0.0.1 written as one decimal
number), ``http://[::ffff:7f00:1]/``...  Every such request must fail.

What this module promises:

* :func:`address_problem` says why an IP address is not globally routable
  (loopback, private, link-local, CGNAT, ULA, multicast, reserved, unspecified,
  documentation, and IPv4-mapped/compatible, 6to4, NAT64 or Teredo forms that
  embed one of those), or None for a public address.
* :func:`resolve_checked` resolves a host name itself and returns only the
  addresses that pass; the caller connects to one of **those** addresses, never
  resolves again (no DNS rebinding between check and connection).
* Numeric host forms other than a plain dotted quad (``2130706433``, ``0x7f.1``,
  ``0177.0.0.1``, ``127.1``) are refused outright: browsers and resolvers read
  them differently, and no honest link uses them.
* Ports other than 80 and 443 are refused.
* ``ABRI_CAPTURE_ALLOW`` (``host:port,host:port``) lets exact ``host:port`` pairs
  through anyway.  It exists so tests can point captures at loopback fixture
  servers; whoever sets it is warned (:func:`allow_warning`).
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass

ALLOWED_PORTS = frozenset({80, 443})
"""The only ports a capture or lookup may connect to (plain web and TLS web)."""

ALLOW_ENV = "ABRI_CAPTURE_ALLOW"
"""Environment variable: ``host:port`` pairs let through although not public (tests only)."""

# 3.11's ipaddress does not count 100.64.0.0/10 (CGNAT, RFC 6598) as private; and a
# few special ranges are worth naming explicitly rather than trusting ``is_global``.
_V4_NOT_PUBLIC = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_V6_NOT_PUBLIC = tuple(
    ipaddress.ip_network(net)
    for net in (
        "::/128",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
        "2001:db8::/32",
    )
)
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_DOTTED_QUAD = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
_NUMERICISH = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]*))*\.?$", re.IGNORECASE)
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"^(?=.{{1,253}}\.?$)(?:{_LABEL}\.)*{_LABEL}\.?$", re.IGNORECASE)


class Refused(Exception):
    """A target that must not be reached; ``reason`` is a short machine-readable word.

    Reasons: ``not-public-address``, ``port``, ``numeric-host-form``, ``bad-host``,
    ``unresolvable``.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def address_problem(address: str) -> str | None:
    """Why ``address`` (an IP literal) is not a public internet address, or None if it is."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_v4(ip)
        if embedded is not None:
            inner = address_problem(str(embedded))
            return f"embeds {embedded} ({inner})" if inner else None
        for net in _V6_NOT_PUBLIC:
            if ip in net:
                return f"in {net}"
        if not ip.is_global:
            return "not globally routable"
        return None
    for net in _V4_NOT_PUBLIC:
        if ip in net:
            return f"in {net}"
    if not ip.is_global:
        return "not globally routable"
    return None


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in a mapped, compatible, 6to4, NAT64 or Teredo IPv6 address."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    for net in _NAT64:
        if ip in net:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    packed = int(ip)
    if packed >> 32 == 0 and packed > 1:  # ::a.b.c.d, IPv4-compatible (deprecated)
        return ipaddress.IPv4Address(packed)
    return None


def allowed_pairs(raw: str | None = None) -> frozenset[tuple[str, int]]:
    """The ``(host, port)`` pairs of ``ABRI_CAPTURE_ALLOW`` (or ``raw``), lowercased."""
    text = os.environ.get(ALLOW_ENV, "") if raw is None else raw
    pairs: set[tuple[str, int]] = set()
    for item in text.split(","):
        item = item.strip()
        host, sep, port = item.rpartition(":")
        if not sep or not port.isdigit():
            continue
        pairs.add((host.strip("[]").lower(), int(port)))
    return frozenset(pairs)


def allow_warning(lang: str | None = None) -> str | None:
    """The sentence to print when ``ABRI_CAPTURE_ALLOW`` is set, or None when it is not."""
    pairs = allowed_pairs()
    if not pairs:
        return None
    from tui.core.i18n import t

    shown = ", ".join(f"{host}:{port}" for host, port in sorted(pairs))
    return t("capture.allow_warning", lang, pairs=shown)


@dataclass(frozen=True)
class Target:
    """A checked destination: the name asked for and the addresses it may be reached at."""

    host: str
    port: int
    addresses: tuple[str, ...]
    allowed_by_env: bool = False


def normalise_host(host: str) -> str:
    """The host as compared and resolved: lowercased, brackets and one final dot removed."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host[:-1] if host.endswith(".") and not host.endswith("..") else host


def check_host_form(host: str) -> None:
    """Refuse host names that are not a plain name, a dotted quad or an IPv6 literal."""
    if not host:
        raise Refused("bad-host", "empty")
    try:
        ipaddress.IPv6Address(host.split("%", 1)[0])
        return
    except ValueError:
        pass
    if _DOTTED_QUAD.fullmatch(host):
        return
    if _NUMERICISH.match(host):
        # 2130706433, 0x7f000001, 0177.0.0.1, 127.1: all 127.0.0.1 to some resolver.
        raise Refused("numeric-host-form", host)
    if not _HOST_NAME.match(host):
        raise Refused("bad-host", host)


def resolve_checked(
    host: str,
    port: int,
    *,
    allow: Iterable[tuple[str, int]] | None = None,
    resolver: object = None,
) -> Target:
    """Resolve ``host`` and keep only the public addresses; raises :class:`Refused`.

    Checks the address before the port, so a refusal names the more telling
    reason (``not-public-address`` for a redirect to ``127.0.0.1:631``).
    An ``allow``-listed ``host:port`` is resolved and let through whatever its
    addresses are.  Connect to one of ``Target.addresses``; never resolve again.
    """
    name = normalise_host(host)
    check_host_form(name)
    pairs = allowed_pairs() if allow is None else frozenset(allow)
    listed = (name, port) in pairs
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError) as error:
        raise Refused("unresolvable", f"{name}: {error}") from None
    found: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in found:
            found.append(address)
    if listed:
        return Target(name, port, tuple(found), allowed_by_env=True)
    public = [address for address in found if address_problem(address) is None]
    if not public:
        problem = address_problem(found[0]) if found else "no address"
        raise Refused("not-public-address", f"{name} -> {', '.join(found)} ({problem})")
    if port not in ALLOWED_PORTS:
        raise Refused("port", f"{name}:{port}")
    return Target(name, port, tuple(public))


SCHEMES = ("http", "https")
"""The only URL schemes a capture accepts."""


def url_problem(url: str) -> str | None:
    """Why ``url`` must not be given to the browser (``scheme``, ``no-host``), or None.

    ``file:``, ``data:``, ``javascript:``, ``chrome:``, ``blob:``... are refused here,
    before any browser starts.
    """
    from urllib.parse import urlsplit

    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        return "control-character"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "unparseable"
    if parts.scheme.lower() not in SCHEMES:
        return "scheme"
    if not parts.hostname:
        return "no-host"
    if parts.username is not None or parts.password is not None:
        return "credentials"
    return None
