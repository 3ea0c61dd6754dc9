"""The [taxonomy] section: themes and their keywords, and mistakes that name the key."""

from __future__ import annotations

import pytest

from benefitboard.config import ConfigError, load_workspace
from benefitboard.workspace import DEMO_CONFIG
from connectors.demo.phrases import FEEDBACK_THEMES
from tests.benefitboard.test_config import MINIMAL, write


def test_the_demo_taxonomy_covers_exactly_the_demo_s_feedback_themes():
    taxonomy = load_workspace(DEMO_CONFIG).taxonomy
    assert set(taxonomy) == set(FEEDBACK_THEMES)
    assert "refer a friend" in taxonomy["referrals"]
    assert all(keywords for keywords in taxonomy.values())


def test_themes_and_keywords_are_read_in_order(tmp_path):
    text = (
        MINIMAL
        + """
[taxonomy.themes.referrals]
keywords = ["referral*", " refer a friend ", "invite"]

[taxonomy.themes."dark mode"]
keywords = ["dark mode"]
"""
    )
    taxonomy = load_workspace(write(tmp_path, text)).taxonomy
    assert taxonomy == {
        "referrals": ("referral*", "refer a friend", "invite"),
        "dark mode": ("dark mode",),
    }


def test_no_taxonomy_is_an_empty_one(tmp_path):
    assert load_workspace(write(tmp_path, MINIMAL)).taxonomy == {}


@pytest.mark.parametrize(
    ("section", "key", "expected"),
    [
        ('[taxonomy]\nthemes = "referrals"', "taxonomy.themes", "expected a table"),
        ("[taxonomy]\nrules = 1", "taxonomy", "unknown key(s) ['rules']"),
        (
            '[taxonomy.themes]\nreferrals = "invite"',
            "taxonomy.themes.referrals",
            "expected a table",
        ),
        (
            "[taxonomy.themes.referrals]\nkeywords = []",
            "taxonomy.themes.referrals.keywords",
            "non-empty list",
        ),
        (
            '[taxonomy.themes.referrals]\nkeywords = "invite"',
            "taxonomy.themes.referrals.keywords",
            "non-empty list",
        ),
        (
            '[taxonomy.themes.referrals]\nkeywords = ["invite", " * "]',
            "taxonomy.themes.referrals.keywords",
            "non-empty list",
        ),
        (
            "[taxonomy.themes.referrals]\nkeywords = [1]",
            "taxonomy.themes.referrals.keywords",
            "non-empty list",
        ),
        (
            '[taxonomy.themes.referrals]\nwords = ["invite"]',
            "taxonomy.themes.referrals",
            "unknown key(s) ['words']",
        ),
    ],
)
def test_mistakes_name_the_key(tmp_path, section, key, expected):
    with pytest.raises(ConfigError) as raised:
        load_workspace(write(tmp_path, MINIMAL + "\n" + section + "\n"))
    assert raised.value.key == key
    assert expected in raised.value.problem
    assert str(tmp_path) in str(raised.value)
