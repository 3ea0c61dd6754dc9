"""Who may see what: roles from the workspace's allow-list (pure; the app applies it).

Two roles, because the dashboard holds two kinds of data: viewers see KPIs and
charts; analysts also see customers' own words, quarantined rows and
downloads, which can contain personal data.

Row-level limits narrow what a person sees further: ``[[access.rows]]`` rules keep
them to some values of a segment (a regional manager: region = North), on every page.

Example:
    >>> rules = AccessConfig(analysts=("pm@shop.example",), viewers=("@shop.example",))
    >>> role_for("PM@shop.example", rules), role_for("ceo@shop.example", rules)
    ('analyst', 'viewer')
    >>> role_for("someone@gmail.com", rules) is None
    True
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Literal

from benefitboard.config import AccessConfig

Role = Literal["viewer", "analyst"]
ANALYST_ONLY = "verbatims, quarantined rows and downloads"


def role_for(email: str | None, rules: AccessConfig) -> Role | None:
    """The role of a signed-in e-mail address, or None when it is not on the allow-list.

    An exact address beats a domain entry; analyst beats viewer.
    """
    if not email or "@" not in email:
        return None
    address = email.strip().lower()
    domain = "@" + address.rsplit("@", 1)[1]
    tiers: tuple[tuple[Role, Collection[str]], ...] = (
        ("analyst", rules.analysts),
        ("viewer", rules.viewers),
    )
    for role, entries in tiers:
        if address in entries:
            return role
    for role, entries in tiers:
        if domain in entries:
            return role
    return None


RowLimits = tuple[tuple[str, tuple[str, ...]], ...]
"""Segment -> the values a person may see; empty means every row."""


def row_limits(email: str | None, rules: AccessConfig) -> RowLimits:
    """The row-level limits for a signed-in address: a rule naming the address beats a rule
    naming its domain, and the first matching rule of a kind applies.

    >>> from benefitboard.config import RowRule
    >>> north = RowRule(("anna@shop.example",), (("region", ("North",)),))
    >>> south = RowRule(("@shop.example",), (("region", ("South", "West")),))
    >>> rules = AccessConfig(rows=(south, north))
    >>> row_limits("Anna@shop.example", rules), row_limits("bo@shop.example", rules)
    ((('region', ('North',)),), (('region', ('South', 'West')),))
    >>> row_limits("ceo@other.example", rules), row_limits(None, rules)
    ((), ())
    """
    if not email or "@" not in email:
        return ()
    address = email.strip().lower()
    domain = "@" + address.rsplit("@", 1)[1]
    for wanted in (address, domain):
        for rule in rules.rows:
            if wanted in rule.who:
                return rule.segments
    return ()


def limited_filters(
    requested: Mapping[str, tuple[str, ...]], limits: RowLimits
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The segment filters a limited person gets for the filters they asked for, and the
    values they asked for but may not see (to tell them).

    A limited segment with no filter, or only forbidden values, becomes all allowed values.

    >>> limits = (("region", ("North",)),)
    >>> limited_filters({"region": ("North", "South"), "plan": ("pro",)}, limits)
    ({'region': ('North',), 'plan': ('pro',)}, {'region': ('South',)})
    >>> limited_filters({}, limits)
    ({'region': ('North',)}, {})
    """
    filters = {segment: tuple(values) for segment, values in requested.items()}
    denied: dict[str, tuple[str, ...]] = {}
    for segment, allowed in limits:
        asked = filters.get(segment, ())
        kept = tuple(v for v in asked if v in allowed)
        refused = tuple(v for v in asked if v not in allowed)
        if refused:
            denied[segment] = refused
        filters[segment] = kept or tuple(allowed)
    return filters, denied


def signed_in_email(claims: Mapping[str, object]) -> tuple[str | None, str | None]:
    """The e-mail address an identity provider vouches for, or None and why not.

    An ``email_verified`` claim of false means the provider let someone type an
    address it never checked: matching such an address against the allow-list
    would let anyone claim ``ceo@shop.example``. A missing claim is accepted, as
    providers that only issue verified addresses (Microsoft Entra ID, Okta) omit it.

    >>> signed_in_email({"email": "pm@shop.example", "email_verified": True})
    ('pm@shop.example', None)
    >>> signed_in_email({"email": "pm@shop.example"})
    ('pm@shop.example', None)
    >>> signed_in_email({"email": "pm@shop.example", "email_verified": False})[1]
    'the identity provider has not verified this address'
    >>> signed_in_email({"email": ["pm@shop.example"]})
    (None, 'the identity provider sent no e-mail address')
    """
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():  # a claim may be any JSON value
        return None, "the identity provider sent no e-mail address"
    verified = claims.get("email_verified", True)
    if verified is False or (isinstance(verified, str) and verified.lower() == "false"):
        return None, "the identity provider has not verified this address"
    return email.strip(), None


def can_see_customer_data(role: Role | None) -> bool:
    """Verbatims, quarantined rows and downloads are for analysts only."""
    return role == "analyst"
