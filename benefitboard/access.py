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

from collections.abc import Collection
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


def can_see_customer_data(role: Role | None) -> bool:
    """Verbatims, quarantined rows and downloads are for analysts only."""
    return role == "analyst"
