"""Host checks shared by every kind of link: IP literals, domain syntax and registered domains.

Registered domains come from tldextract's bundled public-suffix snapshot with fetching disabled,
so canonical keys never depend on the network or on when the process started.
"""

import functools
import ipaddress
import re

import idna
import tldextract

from services.identity.lookalike import is_mixed_script
from services.identity.model import LinkRefusedError, RefusalReason

# One immutable lookup table per process; building it parses the whole suffix list.
PSL = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

# Web-standard (WHATWG) hosts whose last label is a number are IPv4 addresses in any base, so
# http://2130706433/ and http://0x7f.1/ both reach 127.0.0.1 and must be judged as addresses.
_NUMBER = re.compile(r"(?:0[xX][0-9a-fA-F]*|[0-9]+)")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_MOBILE_PREFIXES = ("www.", "m.", "mobile.")
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def normalize_host(raw_host: str) -> str:
    """Return the ASCII host used in keys, or refuse it.

    A trailing dot (``shop.kz.``) names the same host. Underscores are allowed inside labels
    because browsers open such hosts; a host must end in a suffix from the ICANN section of the
    public-suffix list and must not be a bare suffix (``com.kz``).
    """
    host = raw_host.lower().removesuffix(".")
    if not host:
        raise LinkRefusedError(RefusalReason.INVALID_HOST)
    if ":" in host:
        return _check_ip(_parse_ipv6(host))
    last_label = host.rsplit(".", 1)[-1]
    if _NUMBER.fullmatch(last_label):
        return _check_ip(_parse_ipv4(host))
    if host == "localhost" or host.endswith((".localhost", ".home.arpa")) or host == "home.arpa":
        raise LinkRefusedError(RefusalReason.PRIVATE_ADDRESS)
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise LinkRefusedError(RefusalReason.INVALID_HOST)
    if "_" in labels[-1] or not registered_domain(host):
        raise LinkRefusedError(RefusalReason.INVALID_HOST)
    if any(label.startswith("xn--") for label in labels):
        _decode_idna(host)
    return host


def is_ip(host: str) -> bool:
    # ipaddress accepts dotted decimals (ending in a digit) or IPv6 (with a colon) only; most
    # hosts are names, and its refusal costs two exceptions.
    if ":" not in host and not host[-1:].isdigit():
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


# A link costs several look-ups of the same host (key, site, prefixes): remember the answers.
@functools.lru_cache(maxsize=16384)
def registered_domain(host: str, *, private: bool = False) -> str:
    """The domain directly under a public suffix, or "" for a bare suffix or unknown TLD.

    ``private=True`` also honours the private section (``x.github.io`` is its own site); validity
    and prefix stripping use the ICANN section so that ``github.io`` stays a valid site itself.
    """
    result = PSL(host, include_psl_private_domains=private)
    return str(result.top_domain_under_public_suffix)


def site_of(host: str) -> str:
    if is_ip(host):
        return host
    return registered_domain(host, private=True) or registered_domain(host)


def strip_mobile_prefixes(host: str) -> str:
    """Drop ``www.``/``m.``/``mobile.`` while a registered domain or deeper remains.

    ``www.shop.kz`` is ``shop.kz``, but ``m.kz`` keeps its ``m`` because ``kz`` is a bare suffix.
    """
    while host.startswith(_MOBILE_PREFIXES) and not is_ip(host):
        rest = host.split(".", 1)[1]
        if not registered_domain(rest):
            break
        host = rest
    return host


def unicode_host(host: str) -> str:
    """The host as people read it (``шоп.рф``); falls back to ASCII for undecodable labels.

    A look-alike host (``kаspi.kz`` with a Cyrillic "а") stays in punycode: in Unicode it would
    read as the site it imitates.
    """
    if is_ip(host):
        return f"[{host}]" if ":" in host else host
    if "xn--" not in host:
        return host  # normalize_host admits only ASCII labels: nothing to decode
    try:
        readable = _decode_idna(host)
    except LinkRefusedError:
        return host
    return host if is_mixed_script(readable) else readable


def key_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _decode_idna(host: str) -> str:
    # Same order as yarl: IDNA 2008 first, then the IDNA 2003 codec for names it still allows.
    try:
        return idna.decode(host)
    except (idna.IDNAError, UnicodeError):
        pass
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError as exc:
        raise LinkRefusedError(RefusalReason.INVALID_HOST) from exc


def _parse_ipv6(host: str) -> IpAddress:
    try:
        return ipaddress.IPv6Address(host.strip("[]"))
    except ValueError as exc:
        raise LinkRefusedError(RefusalReason.INVALID_HOST) from exc


def _parse_ipv4(host: str) -> IpAddress:
    parts = host.split(".")
    if len(parts) > 4 or not all(_NUMBER.fullmatch(part) for part in parts):
        raise LinkRefusedError(RefusalReason.INVALID_HOST)
    numbers = [_parse_ipv4_number(part) for part in parts]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise LinkRefusedError(RefusalReason.INVALID_HOST)
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number * 256 ** (3 - index)
    return ipaddress.IPv4Address(value)


def _parse_ipv4_number(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        if not set(part) <= set("01234567"):
            raise LinkRefusedError(RefusalReason.INVALID_HOST)
        return int(part, 8)
    return int(part)


def _check_ip(address: IpAddress) -> str:
    """Allow only globally routable addresses, looking through IPv6 forms that embed IPv4.

    ``is_global`` alone is not enough on Python 3.11: it calls multicast and the NAT64 and
    IPv4-compatible ranges global, and ``::ffff:127.0.0.1`` must be judged as 127.0.0.1.
    """
    candidates: list[IpAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        embedded = [address.ipv4_mapped, address.sixtofour]
        if address.teredo:
            embedded.extend(address.teredo)
        if address in ipaddress.IPv6Network("64:ff9b::/96"):
            embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        candidates.extend(ip for ip in embedded if ip is not None)
    for ip in candidates:
        if (
            not ip.is_global
            or ip.is_multicast
            or ip.is_reserved
            or ip.is_unspecified
            or ip.is_loopback
            or ip.is_link_local
            or ip.is_private
        ):
            raise LinkRefusedError(RefusalReason.PRIVATE_ADDRESS)
    return address.compressed
