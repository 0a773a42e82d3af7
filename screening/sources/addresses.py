"""Which network addresses the guarded client may connect to, decided after DNS resolution.

The deny list is explicit rather than built on `ipaddress`'s `is_private`/`is_global` flags:
those have had range bugs (IPv4-mapped IPv6 among them), and a list can be reviewed and tested.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from screening.sources.errors import Failure, SourceError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

ALLOW_PRIVATE_ENV = "FAIRSCREEN_ALLOW_PRIVATE_HOSTS"

DENIED_NETWORKS: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, cloud metadata
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # TEST-NET-1
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # TEST-NET-2
        "203.0.113.0/24",  # TEST-NET-3
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
        "::/128",  # unspecified
        "::1/128",  # loopback
        "::/96",  # IPv4-compatible (deprecated), would reach IPv4 space
        "::ffff:0:0/96",  # IPv4-mapped: the embedded IPv4 would be reached
        "::ffff:0:0:0/96",  # IPv4-translated
        "64:ff9b::/96",  # NAT64 well-known prefix, reaches embedded IPv4
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, incl. Teredo
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4, reaches embedded IPv4
        "3fff::/20",  # documentation
        "5f00::/16",  # SRv6 SIDs
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)

LOOPBACK_NETWORKS: tuple[IPNetwork, ...] = (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)


@dataclass(frozen=True)
class AddressPolicy:
    """What the client may reach: public addresses over https, plus explicit exceptions."""

    allowed: tuple[IPNetwork, ...] = ()
    allow_http: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AddressPolicy:
        """Allow loopback and plain http only when FAIRSCREEN_ALLOW_PRIVATE_HOSTS=1 (tests)."""
        environ = os.environ if environ is None else environ
        if environ.get(ALLOW_PRIVATE_ENV) == "1":
            return cls(allowed=LOOPBACK_NETWORKS, allow_http=True)
        return cls()

    def permits(self, address: IPAddress) -> bool:
        """Tell whether `address` may be connected to."""
        if any(address in net for net in self.allowed):
            return True
        return not is_denied(address)


def is_denied(address: IPAddress) -> bool:
    """Tell whether `address` falls in a denied network, looking inside IPv4-mapped forms."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return True
        mapped = address.ipv4_mapped
        if mapped is not None and is_denied(mapped):
            return True
    return any(address.version == net.version and address in net for net in DENIED_NETWORKS)


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve `host` to its addresses with the system resolver."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise SourceError(Failure.NETWORK, f"cannot resolve host {host}") from exc
    return [str(info[4][0]) for info in infos]


def parse_address(text: str) -> IPAddress | None:
    """Return `text` as an IP address, or None when it is a host name."""
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def checked_addresses(
    host: str, port: int, policy: AddressPolicy, resolver: Resolver
) -> list[IPAddress]:
    """Resolve `host` and return its addresses, refusing if any of them is not permitted.

    All must pass: a name that resolves to one public and one internal address is an
    attack on whichever one a naive client would pick.
    """
    literal = parse_address(host)
    addresses = [literal] if literal is not None else _resolve(host, port, resolver)
    if not addresses:
        raise SourceError(Failure.NETWORK, f"host {host} has no address")
    refused = [a for a in addresses if not policy.permits(a)]
    if refused:
        raise SourceError(
            Failure.BLOCKED, f"host {host} resolves to a non-public address ({refused[0]})"
        )
    return addresses


def _resolve(host: str, port: int, resolver: Resolver) -> list[IPAddress]:
    parsed: Iterable[IPAddress | None] = (parse_address(a) for a in resolver(host, port))
    return [a for a in parsed if a is not None]
