"""The probe's address policy: only public unicast, judged through any embedded IPv4."""

import pytest

from services.probe.addresses import Refusal, refusal, refusal_of_any


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1", Refusal.LOOPBACK),
        ("127.8.9.10", Refusal.LOOPBACK),
        ("::1", Refusal.LOOPBACK),
        ("0.0.0.0", Refusal.UNSPECIFIED),
        ("::", Refusal.UNSPECIFIED),
        ("10.1.2.3", Refusal.PRIVATE),
        ("172.16.0.1", Refusal.PRIVATE),
        ("192.168.1.1", Refusal.PRIVATE),
        ("fc00::1", Refusal.PRIVATE),
        ("169.254.169.254", Refusal.LINK_LOCAL),  # the cloud metadata service
        ("fe80::1", Refusal.LINK_LOCAL),
        ("224.0.0.1", Refusal.MULTICAST),
        ("ff02::1", Refusal.MULTICAST),
        ("100.64.0.1", Refusal.SHARED),
        ("100.127.255.254", Refusal.SHARED),
        ("240.0.0.1", Refusal.RESERVED),
        ("255.255.255.255", Refusal.RESERVED),
        ("192.0.2.1", Refusal.PRIVATE),  # documentation range
        ("::ffff:127.0.0.1", Refusal.LOOPBACK),  # IPv4-mapped
        ("::ffff:10.0.0.1", Refusal.PRIVATE),
        ("64:ff9b::7f00:1", Refusal.LOOPBACK),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", Refusal.LINK_LOCAL),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::1", Refusal.LOOPBACK),  # 6to4 of 127.0.0.1
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", Refusal.PRIVATE),  # Teredo of 10.0.0.1
        ("localhost", Refusal.NOT_AN_ADDRESS),
        ("", Refusal.NOT_AN_ADDRESS),
    ],
)
def test_refused_addresses(address: str, expected: Refusal) -> None:
    assert refusal(address) == expected


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "95.59.1.1", "2a00:1450:4001:80b::200e", "64:ff9b::808:808"]
)
def test_public_unicast_is_allowed(address: str) -> None:
    assert refusal(address) is None


def test_one_refused_answer_refuses_the_host() -> None:
    assert refusal_of_any(["8.8.8.8", "2a00:1450:4001:80b::200e"]) is None
    assert refusal_of_any(["8.8.8.8", "127.0.0.1", "10.0.0.1"]) == ("127.0.0.1", Refusal.LOOPBACK)
