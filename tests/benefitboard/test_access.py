"""Roles from the allow-list: exact addresses, domains, and refusals."""

from __future__ import annotations

import pytest

from benefitboard.access import can_see_customer_data, role_for
from benefitboard.config import AccessConfig, ConfigError, load_workspace

RULES = AccessConfig(
    analysts=("pm@shop.example", "@research.shop.example"),
    viewers=("@shop.example", "board@partner.example"),
)


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("pm@shop.example", "analyst"),
        ("PM@Shop.Example ", "analyst"),  # case and spaces do not matter
        ("ana@research.shop.example", "analyst"),
        ("ceo@shop.example", "viewer"),
        ("board@partner.example", "viewer"),
        ("other@partner.example", None),
        ("mallory@shop.example.evil.com", None),  # a domain must match whole
        ("shop.example", None),
        ("", None),
        (None, None),
    ],
)
def test_role_for(email, role):
    assert role_for(email, RULES) == role


def test_only_analysts_see_customer_data():
    assert can_see_customer_data("analyst")
    assert not can_see_customer_data("viewer")
    assert not can_see_customer_data(None)


def test_access_section_is_read_and_checked(tmp_path):
    base = '[workspace]\nname = "x"\n[sources.db]\nkind = "sql"\nurl = "sqlite:///x.db"\n'
    base += '[sources.db.datasets.events]\ntable = "e"\n'
    path = tmp_path / "benefitboard.toml"
    path.write_text(
        base + '[access]\nanalysts = ["PM@shop.example"]\nviewers = ["@shop.example"]\n'
    )
    assert load_workspace(path).access == AccessConfig(("pm@shop.example",), ("@shop.example",))
    path.write_text(base + '[access]\nviewers = ["everyone"]\n')
    with pytest.raises(ConfigError) as caught:
        load_workspace(path)
    assert caught.value.key == "access.viewers"
