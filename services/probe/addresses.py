"""Which addresses the probe may connect to on a volunteer's behalf: public unicast only.

The bot fetches addresses chosen by strangers, so before any connection every address a host
resolves to is judged here, and one refused address refuses the host (a name that resolves to
both a public and a loopback address is exactly how a guard is turned against its own network).
An IPv6 address that carries an IPv4 one — IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96),
6to4 (2002::/16), Teredo — is judged by the IPv4 address as well, since the path may end there.
"""

import ipaddress
from enum import StrEnum

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# RFC 6052's well-known NAT64 prefix: the last 32 bits are an IPv4 address.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# RFC 6598's shared address space (carrier-grade NAT): neither private nor global.
_SHARED = ipaddress.ip_network("100.64.0.0/10")


class Refusal(StrEnum):
    """Why an address is refused, as a check records it."""

    UNSPECIFIED = "unspecified"
    LOOPBACK = "loopback"
    LINK_LOCAL = "link-local"
    MULTICAST = "multicast"
    SHARED = "shared"
    PRIVATE = "private"
    RESERVED = "reserved"
    NOT_AN_ADDRESS = "not-an-address"


def refusal(address: str | IPAddress) -> Refusal | None:
    """Why the probe must not connect to `address`; None when it is public unicast."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return Refusal.NOT_AN_ADDRESS
    embedded = _embedded_ipv4(ip)
    for carried in embedded:
        found = _own_refusal(carried)
        if found is not None:
            return found
    if isinstance(ip, ipaddress.IPv6Address) and (ip.ipv4_mapped is not None or ip in _NAT64):
        # The path ends at the carried IPv4 address, judged public above (Python calls these
        # prefixes private or reserved as IPv6 addresses).
        return None
    return _own_refusal(ip)


def _own_refusal(ip: IPAddress) -> Refusal | None:
    # Most specific first: ::1 is also "reserved", 169.254.x.x and 240.0.0.0/4 also "private".
    if ip.is_unspecified:
        return Refusal.UNSPECIFIED
    if ip.is_loopback:
        return Refusal.LOOPBACK
    if ip.is_link_local:
        return Refusal.LINK_LOCAL
    if ip.is_multicast:
        return Refusal.MULTICAST
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED:
        return Refusal.SHARED
    if ip.is_reserved:
        return Refusal.RESERVED
    if ip.is_private or not ip.is_global:
        return Refusal.PRIVATE
    return None


def _embedded_ipv4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found = [ip.ipv4_mapped, ip.sixtofour]
    if ip.teredo is not None:
        found.append(ip.teredo[1])  # the client's address; the server's is public by design
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF))
    return [address for address in found if address is not None]


def refusal_of_any(addresses: list[str]) -> tuple[str, Refusal] | None:
    """The first refused address of a host's answers and why; None when all are public."""
    for address in addresses:
        found = refusal(address)
        if found is not None:
            return address, found
    return None
