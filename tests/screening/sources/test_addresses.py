"""The address deny list, tested as a table, and the policy built from the environment."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.sources.addresses import (
    AddressPolicy,
    checked_addresses,
    is_denied,
    system_resolver,
)
from screening.sources.errors import Failure, SourceError

DENIED = [
    "0.0.0.0",
    "0.1.2.3",
    "10.0.0.1",
    "10.255.255.255",
    "100.64.0.1",
    "127.0.0.1",
    "127.255.255.254",
    "169.254.169.254",
    "172.16.0.1",
    "172.31.255.255",
    "192.0.0.8",
    "192.0.2.1",
    "192.88.99.1",
    "192.168.1.1",
    "198.18.0.1",
    "198.51.100.7",
    "203.0.113.9",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "::127.0.0.1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "::ffff:8.8.8.8",
    "::ffff:0:a9fe:a9fe",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::1",
    "100::1",
    "2001::1",
    "2001:db8::1",
    "2002:7f00:1::1",
    "3fff::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fe80::1%1",
    "fec0::1",
    "ff02::1",
]
ALLOWED = [
    "1.1.1.1",
    "8.8.8.8",
    "93.184.216.34",
    "172.15.255.255",
    "172.32.0.1",
    "100.63.255.255",
    "100.128.0.1",
    "192.169.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:82b::200e",
    "2001:4860:4860::8888",
]


@pytest.mark.parametrize("address", DENIED)
def test_denied_addresses_are_refused(address: str) -> None:
    assert is_denied(ipaddress.ip_address(address))
    assert not AddressPolicy().permits(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_permitted(address: str) -> None:
    assert not is_denied(ipaddress.ip_address(address))
    assert AddressPolicy().permits(ipaddress.ip_address(address))


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_ipv4_mapped_form_is_never_more_permissive(value: int) -> None:
    v4 = ipaddress.IPv4Address(value)
    mapped = ipaddress.IPv6Address(f"::ffff:{v4}")
    assert is_denied(mapped) or not is_denied(v4)


@pytest.mark.parametrize(
    ("environ", "loopback", "metadata", "private", "http"),
    [
        ({}, False, False, False, False),
        ({"FAIRSCREEN_ALLOW_PRIVATE_HOSTS": "0"}, False, False, False, False),
        ({"FAIRSCREEN_ALLOW_PRIVATE_HOSTS": "1"}, True, False, False, True),
    ],
)
def test_policy_from_environment(
    environ: dict, loopback: bool, metadata: bool, private: bool, http: bool
) -> None:
    policy = AddressPolicy.from_env(environ)
    assert policy.permits(ipaddress.ip_address("127.0.0.1")) is loopback
    assert policy.permits(ipaddress.ip_address("::1")) is loopback
    assert policy.permits(ipaddress.ip_address("169.254.169.254")) is metadata
    assert policy.permits(ipaddress.ip_address("10.0.0.1")) is private
    assert policy.allow_http is http


def test_a_name_with_one_internal_address_is_refused_whole() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.7"]

    with pytest.raises(SourceError) as caught:
        checked_addresses("mixed.example", 443, AddressPolicy(), resolver)
    assert caught.value.failure is Failure.BLOCKED


def test_public_name_resolves_to_checked_addresses() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]

    addresses = checked_addresses("example.org", 443, AddressPolicy(), resolver)
    assert [str(a) for a in addresses] == ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]


def test_address_literal_is_checked_without_resolving() -> None:
    def resolver(host: str, port: int) -> list[str]:
        raise AssertionError("a literal must not be resolved")

    with pytest.raises(SourceError):
        checked_addresses("[::ffff:169.254.169.254]", 80, AddressPolicy(), resolver)


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1", "017700000001", "localhost"])
def test_odd_spellings_of_loopback_resolve_to_a_refusal(host: str) -> None:
    # getaddrinfo reads these numerically (no DNS query): the check sees the real address.
    with pytest.raises(SourceError) as caught:
        checked_addresses(host, 80, AddressPolicy(), system_resolver)
    assert caught.value.failure is Failure.BLOCKED
