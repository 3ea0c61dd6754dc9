"""Who may see what: roles from the workspace's allow-list (pure; the app applies it).

Two roles, because the dashboard holds two kinds of data: viewers see KPIs and
charts; analysts also see customers' own words, quarantined rows and
downloads, which can contain personal data.

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
