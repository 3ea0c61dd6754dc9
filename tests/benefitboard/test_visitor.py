"""The local-only guard's trust model: each forwarding header, with and without trusted proxies."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_network

import pytest

from benefitboard.config import AccessConfig, ConfigError, load_workspace
from benefitboard.visitor import forwarded_for, is_local_visitor, node_address

LOOPBACK = None  # what st.context.ip_address says for a loopback connection
PROXY = ip_network("10.0.0.5")
LOCAL_PROXIES = (ip_network("127.0.0.1"), ip_network("::1"))


@pytest.mark.parametrize(
    ("peer", "headers", "local"),
    [
        # no forwarding header: the connection decides
        (LOOPBACK, [], True),
        ("127.0.0.2", [], True),
        ("203.0.113.9", [], False),
        ("::ffff:127.0.0.1", [], True),
        ("not an address", [], False),
        # X-Forwarded-For
        (LOOPBACK, [("X-Forwarded-For", "127.0.0.1")], True),
        (LOOPBACK, [("X-Forwarded-For", "203.0.113.9")], False),
        (LOOPBACK, [("X-Forwarded-For", "127.0.0.1, 203.0.113.9")], False),  # several hops
        (LOOPBACK, [("X-Forwarded-For", "203.0.113.9, 127.0.0.1")], False),
        (LOOPBACK, [("X-Forwarded-For", "127.0.0.1"), ("X-Forwarded-For", "198.51.100.7")], False),
        (LOOPBACK, [("x-fOrWaRdEd-FoR", "203.0.113.9")], False),  # mixed case
        (LOOPBACK, [("X-Forwarded-For", "127.0.0.1:8080")], True),
        (LOOPBACK, [("X-Forwarded-For", "::1")], True),
        (LOOPBACK, [("X-Forwarded-For", "[::1]:4711")], True),
        (LOOPBACK, [("X-Forwarded-For", "2001:db8::1")], False),
        (LOOPBACK, [("X-Forwarded-For", "")], False),
        (LOOPBACK, [("X-Forwarded-For", "127.0.0.1,")], False),
        (LOOPBACK, [("X-Forwarded-For", "localhost")], False),  # a name, not an address
        (LOOPBACK, [("X-Forwarded-For", "127.0.0.1 garbage")], False),
        ("203.0.113.9", [("X-Forwarded-For", "127.0.0.1")], False),  # untrusted peer
        # X-Real-IP
        (LOOPBACK, [("X-Real-IP", "127.0.0.1")], True),
        (LOOPBACK, [("X-Real-IP", "203.0.113.9")], False),
        (LOOPBACK, [("X-REAL-IP", "203.0.113.9")], False),
        (LOOPBACK, [("X-Real-IP", "2001:db8::1")], False),
        (LOOPBACK, [("X-Real-IP", "unknown")], False),
        # Forwarded (RFC 7239)
        (LOOPBACK, [("Forwarded", "for=127.0.0.1")], True),
        (LOOPBACK, [("Forwarded", "for=203.0.113.9")], False),
        (LOOPBACK, [("forwarded", "FOR=203.0.113.9;proto=https")], False),
        (LOOPBACK, [("Forwarded", 'for="[2001:db8::1]:4711"')], False),  # IPv6, quoted
        (LOOPBACK, [("Forwarded", 'for="[::1]:4711"')], True),
        (LOOPBACK, [("Forwarded", 'for="127.0.0.1:_port"')], True),  # obfuscated port
        (LOOPBACK, [("Forwarded", 'for="_hidden"')], False),  # obfuscated identifier
        (LOOPBACK, [("Forwarded", "for=unknown")], False),
        (LOOPBACK, [("Forwarded", "for=127.0.0.1, for=203.0.113.9")], False),  # several hops
        (LOOPBACK, [("Forwarded", 'for=127.0.0.1;by="a,b", for=203.0.113.9')], False),
        (LOOPBACK, [("Forwarded", "proto=https;host=example.com")], False),  # no for=
        (LOOPBACK, [("Forwarded", "for=127.0.0.1;for=127.0.0.2")], False),  # for= twice
        (LOOPBACK, [("Forwarded", 'for="127.0.0.1')], False),  # unclosed quote
        (LOOPBACK, [("Forwarded", "for=[::1]:4711")], True),  # unquoted, leniently read
        (LOOPBACK, [("Forwarded", "for")], False),
        (LOOPBACK, [("Forwarded", "\x00\xff;;,,")], False),  # garbage
        # headers together: each must be local
        (LOOPBACK, [("X-Forwarded-For", "127.0.0.1"), ("X-Real-IP", "203.0.113.9")], False),
        (LOOPBACK, [("X-Real-IP", "::1"), ("Forwarded", "for=127.0.0.1")], True),
        # other headers are not read
        (LOOPBACK, [("CF-Connecting-IP", "203.0.113.9"), ("Host", "dash.example")], True),
    ],
)
def test_without_trusted_proxies_every_forwarded_address_must_be_loopback(peer, headers, local):
    assert is_local_visitor(peer, headers) is local
    assert is_local_visitor(peer, headers, ()) is local


@pytest.mark.parametrize(
    ("peer", "headers", "local"),
    [
        # the right-most entry that is not the trusted proxy is the visitor
        ("10.0.0.5", [("X-Forwarded-For", "127.0.0.1")], True),
        ("10.0.0.5", [("X-Forwarded-For", "203.0.113.9, 127.0.0.1")], True),  # forged left
        ("10.0.0.5", [("X-Forwarded-For", "127.0.0.1, 203.0.113.9")], False),
        ("10.0.0.5", [("X-Forwarded-For", "127.0.0.1, 10.0.0.5")], True),  # trusted hop skipped
        ("10.0.0.5", [("X-Forwarded-For", "_hidden, 10.0.0.5")], False),
        ("10.0.0.5", [("X-Forwarded-For", "10.0.0.5")], False),  # all trusted: the left-most
        ("10.0.0.5", [("X-Real-IP", "127.0.0.1")], True),
        ("10.0.0.5", [("X-Real-IP", "203.0.113.9")], False),
        ("10.0.0.5", [("Forwarded", 'for="_hidden", for=127.0.0.1')], True),
        ("10.0.0.5", [("Forwarded", 'for=127.0.0.1, for="_hidden"')], False),
        ("10.0.0.5", [("Forwarded", 'for="[2001:db8::1]:4711"')], False),
        ("10.0.0.5", [("Forwarded", "for=127.0.0.1"), ("X-Real-IP", "203.0.113.9")], False),
        ("10.0.0.5", [("fOrWaRdEd", "for=127.0.0.1")], True),
        ("10.0.0.5", [("Forwarded", "garbage")], False),
        ("10.0.0.5", [], False),  # the proxy itself is not this computer
        # a peer that is not a trusted proxy: its headers are not believed
        ("10.0.0.6", [("X-Forwarded-For", "127.0.0.1")], False),
        (LOOPBACK, [("X-Forwarded-For", "203.0.113.9, 127.0.0.1")], False),
        (LOOPBACK, [], True),
    ],
)
def test_a_trusted_proxy_names_the_visitor(peer, headers, local):
    assert is_local_visitor(peer, headers, (PROXY,)) is local


@pytest.mark.parametrize(
    ("headers", "local"),
    [
        ([("X-Forwarded-For", "127.0.0.1")], True),
        ([("X-Forwarded-For", "203.0.113.9, 127.0.0.1")], False),  # the proxy's own hop
        ([("X-Forwarded-For", "127.0.0.1, 203.0.113.9")], False),
        ([("X-Real-IP", "203.0.113.9")], False),
        ([("Forwarded", "for=203.0.113.9")], False),
        ([("Forwarded", 'for="[::1]"')], True),
    ],
)
def test_a_trusted_proxy_on_this_computer(headers, local):
    assert is_local_visitor(LOOPBACK, headers, LOCAL_PROXIES) is local


def test_either_loopback_address_trusts_a_loopback_connection():
    # Streamlit reports 127.0.0.1 and ::1 both as None, so either trusted address matches it
    headers = [("X-Forwarded-For", "127.0.0.1, 10.0.0.5")]  # a chain of two proxies
    assert not is_local_visitor(LOOPBACK, headers, (PROXY,))  # the connection is not trusted
    for proxies in (LOCAL_PROXIES[:1], LOCAL_PROXIES[1:]):
        assert is_local_visitor(LOOPBACK, headers, (*proxies, PROXY))


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("192.0.2.4", IPv4Address("192.0.2.4")),
        (" 192.0.2.4:8080 ", IPv4Address("192.0.2.4")),
        ("192.0.2.4:99999", None),
        ("192.0.2.4:", None),
        ("2001:db8::1", IPv6Address("2001:db8::1")),
        ("[2001:db8::1]", IPv6Address("2001:db8::1")),
        ("[2001:db8::1]:4711", IPv6Address("2001:db8::1")),
        ("[2001:db8::1]:_obf", IPv6Address("2001:db8::1")),
        ("[2001:db8::1", None),
        ("[192.0.2.4]", None),  # brackets are for IPv6
        ("[::ffff:127.0.0.1]", IPv4Address("127.0.0.1")),
        ("_hidden", None),
        ("unknown", None),
        ("", None),
    ],
)
def test_node_address(text, address):
    assert node_address(text) == address


def test_forwarded_reads_each_elements_for_and_nothing_else():
    value = 'for=192.0.2.43, for="[2001:db8:cafe::17]:4711";by=_x, proto=https, for="\\_a"'
    assert forwarded_for(value) == [
        IPv4Address("192.0.2.43"),
        IPv6Address("2001:db8:cafe::17"),
        None,  # no for=
        None,  # an escaped, obfuscated identifier
    ]


def test_trusted_proxies_are_read_and_checked(tmp_path):
    base = '[workspace]\nname = "x"\n[sources.db]\nkind = "sql"\nurl = "sqlite:///x.db"\n'
    base += '[sources.db.datasets.events]\ntable = "e"\n'
    path = tmp_path / "benefitboard.toml"
    path.write_text(base)
    assert load_workspace(path).access.trusted_proxies == ()
    path.write_text(base + '[access]\ntrusted_proxies = ["127.0.0.1", "10.0.0.0/8", "::1"]\n')
    assert load_workspace(path).access == AccessConfig(
        trusted_proxies=(ip_network("127.0.0.1"), ip_network("10.0.0.0/8"), ip_network("::1"))
    )
    for wrong in ('"127.0.0.1"', '["localhost"]', '["10.0.0.1/8"]', "[1]"):
        path.write_text(base + f"[access]\ntrusted_proxies = {wrong}\n")
        with pytest.raises(ConfigError) as caught:
            load_workspace(path)
        assert caught.value.key == "access.trusted_proxies"
        assert "10.0.0.0/8" in str(caught.value)  # says what to write
