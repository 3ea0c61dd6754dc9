"""Where a visitor is: their address behind any proxies, and whether it is this computer (pure).

Why: without sign-in the dashboard serves only the computer it runs on, and
refuses everyone else (``pages/ui/auth.py``). A reverse proxy on this computer
makes every request look local to the server, so the address of the
connection alone says nothing; the proxy names the visitor in a forwarding
header instead. This module reads those headers, and the guard asks it.

The trust model (docs/SECURITY.md, "The local-only guard"):

- Three headers name a visitor: ``X-Forwarded-For``, ``X-Real-IP`` and
  ``Forwarded`` (its ``for=`` parameter, RFC 7239). Header names are
  case-insensitive; repeated headers are read as one comma-separated list.
- By default no proxy is trusted. Any of these headers is then evidence that
  the request came through a proxy, so every address any of them names, and
  the connection's own, must be loopback. An entry that is not an address
  (``unknown``, an obfuscated ``_hidden``, garbage) is an unknown visitor, who
  is not local.
- A workspace may trust proxies (``[access] trusted_proxies``). Only when the
  connection comes from one of them does the visitor become, per header, the
  right-most entry that is not itself a trusted proxy (the left-most when all
  are). Entries left of that were written by the visitor and are ignored.

Example:
    >>> is_local_visitor(None, [])  # Streamlit reports a loopback peer as None
    True
    >>> is_local_visitor(None, [("X-Real-IP", "203.0.113.9")])
    False
    >>> is_local_visitor(None, [("Forwarded", 'for="[::1]:4711"')])
    True
    >>> from ipaddress import ip_network
    >>> proxies = (ip_network("10.0.0.5"),)
    >>> is_local_visitor("10.0.0.5", [("X-Forwarded-For", "203.0.113.9, 127.0.0.1")], proxies)
    True
    >>> is_local_visitor("10.0.0.5", [("X-Forwarded-For", "127.0.0.1, 203.0.113.9")], proxies)
    False
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

FORWARDING_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded")
"""The headers that name a visitor, lower-cased; any other header is not read."""

_LOOPBACK_PEERS = (IPv4Address("127.0.0.1"), IPv6Address("::1"))
"""What a peer reported as None may be: Streamlit hides both loopback addresses alike."""


def is_local_visitor(
    peer: str | None,
    headers: Iterable[tuple[str, str]],
    trusted_proxies: Sequence[Network] = (),
) -> bool:
    """True when every address the request gives for its visitor is loopback.

    ``peer`` is the connection's address as ``st.context.ip_address`` reports
    it (None for loopback); ``headers`` are the request's (name, value) pairs,
    repeated names included.

    Example:
        >>> is_local_visitor(None, [("x-forwarded-for", "127.0.0.1, 198.51.100.7")])
        False
        >>> is_local_visitor("198.51.100.7", [])
        False
    """
    return all(
        address is not None and address.is_loopback
        for address in visitor_addresses(peer, headers, trusted_proxies)
    )


def visitor_addresses(
    peer: str | None,
    headers: Iterable[tuple[str, str]],
    trusted_proxies: Sequence[Network] = (),
) -> tuple[Address | None, ...]:
    """Every address the request gives for its visitor under the trust model; None = unreadable.

    One address per forwarding header when the peer is a trusted proxy; else
    the peer's and every entry of every forwarding header.

    Example:
        >>> visitor_addresses(None, [("X-Forwarded-For", "127.0.0.1, _hidden")])
        (IPv4Address('127.0.0.1'), IPv4Address('127.0.0.1'), None)
    """
    direct = _LOOPBACK_PEERS[0] if peer is None else node_address(peer)
    chains = _forwarding_chains(headers)
    if not chains:
        return (direct,)
    candidates = _LOOPBACK_PEERS if peer is None else (direct,)
    if not any(_is_trusted(candidate, trusted_proxies) for candidate in candidates):
        return (direct, *(hop for chain in chains for hop in chain))
    return tuple(_right_most_untrusted(chain, trusted_proxies) for chain in chains)


def node_address(text: str) -> Address | None:
    """The IP address in one forwarding entry, or None when it holds none.

    Accepts what proxies write: ``192.0.2.4``, ``192.0.2.4:8080``, ``2001:db8::1``
    and ``[2001:db8::1]:4711`` (ports may be obfuscated, ``:_p1``). An IPv6
    address that maps an IPv4 one (``::ffff:127.0.0.1``) is read as the IPv4 one.

    Example:
        >>> node_address("[2001:db8::1]:4711"), node_address("_hidden")
        (IPv6Address('2001:db8::1'), None)
        >>> node_address("::ffff:127.0.0.1")
        IPv4Address('127.0.0.1')
    """
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        if end == -1 or not _is_port_or_nothing(text[end + 1 :]):
            return None
        return _address(text[1:end], IPv6Address)
    address = _address(text)
    if address is not None:
        return address
    host, colon, port = text.rpartition(":")
    if colon and _is_port_or_nothing(colon + port):
        return _address(host, IPv4Address)
    return None


def forwarded_for(value: str) -> list[Address | None]:
    """The ``for=`` address of each element of an RFC 7239 ``Forwarded`` header, left to right.

    An element without exactly one ``for=``, or one that cannot be parsed
    (an unclosed quote, a pair without ``=``), gives None.

    Example:
        >>> forwarded_for('for=192.0.2.60;proto=http;by=203.0.113.43, For="[::1]"')
        [IPv4Address('192.0.2.60'), IPv6Address('::1')]
        >>> forwarded_for('for=unknown, for="_mdn", proto=https')
        [None, None, None]
    """
    return [_element_for(element) for element in _split_elements(value)]


def _element_for(element: list[str] | None) -> Address | None:
    if element is None:
        return None
    nodes = []
    for pair in element:
        name, equals, raw = pair.partition("=")
        if not equals or not name.strip():
            return None
        if name.strip().lower() == "for":
            value = _unquote(raw.strip())
            if value is None:
                return None
            nodes.append(value)
    return node_address(nodes[0]) if len(nodes) == 1 else None


def _split_elements(value: str) -> list[list[str] | None]:
    """Elements split at top-level commas, each into its pairs at ``;``; None = unclosed quote."""
    elements: list[list[str] | None] = []
    pairs: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char in ",;":
            pairs.append("".join(current))
            current = []
            if char == ",":
                elements.append(pairs)
                pairs = []
            continue
        current.append(char)
    pairs.append("".join(current))
    elements.append(None if quoted or escaped else pairs)
    return [None if e is not None and not "".join(e).strip() else e for e in elements]


def _unquote(value: str) -> str | None:
    """A token as is, a quoted-string without its quotes and escapes; None when malformed."""
    if not value.startswith('"'):
        return None if '"' in value or "\\" in value else value
    if len(value) < 2 or not value.endswith('"'):
        return None
    body, out, escaped = value[1:-1], [], False
    for char in body:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            return None
        else:
            out.append(char)
    return None if escaped else "".join(out)


def _forwarding_chains(headers: Iterable[tuple[str, str]]) -> list[list[Address | None]]:
    """Per forwarding header present, its entries left to right (repeated headers joined)."""
    values: dict[str, list[str]] = {}
    for name, value in headers:
        key = name.strip().lower()
        if key in FORWARDING_HEADERS:
            values.setdefault(key, []).append(value)
    chains: list[list[Address | None]] = []
    for key in FORWARDING_HEADERS:
        if key not in values:
            continue
        if key == "forwarded":
            chains.append([hop for value in values[key] for hop in forwarded_for(value)])
        else:
            entries = (entry for value in values[key] for entry in value.split(","))
            chains.append([node_address(entry) for entry in entries])
    return chains


def _right_most_untrusted(
    chain: list[Address | None], trusted: Sequence[Network]
) -> Address | None:
    for hop in reversed(chain):
        if not _is_trusted(hop, trusted):
            return hop
    return chain[0]


def _is_trusted(address: Address | None, trusted: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in trusted)


def _address(text: str, written_as: type[Address] | None = None) -> Address | None:
    """The address ``text`` spells (of the ``written_as`` version only, when given), or None."""
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if written_as is not None and not isinstance(address, written_as):
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_port_or_nothing(rest: str) -> bool:
    """``""``, ``":8080"`` or an obfuscated port ``":_p1"`` (RFC 7239 node-port)."""
    if not rest:
        return True
    if not rest.startswith(":") or len(rest) < 2:
        return False
    port = rest[1:]
    if port.isascii() and port.isdigit():
        return int(port) <= 65535
    return port.startswith("_") and all(c.isascii() and (c.isalnum() or c in "._-") for c in port)
