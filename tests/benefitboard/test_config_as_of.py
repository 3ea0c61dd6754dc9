"""`[workspace] as_of` pins a historical workspace; `[freshness]` switches off per dataset."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from benefitboard.config import ConfigError, load_workspace
from validation.contracts import contracts_for_workspace

BASE = """
[workspace]
name = "Olist"
timezone = "America/Sao_Paulo"
{workspace}

[sources.db]
kind = "sql"
url = "sqlite:///data/shop.sqlite"

[sources.db.datasets.orders]
table = "orders"

{freshness}
"""


def load(tmp_path: Path, workspace: str = "", freshness: str = ""):
    path = tmp_path / "benefitboard.toml"
    path.write_text(BASE.format(workspace=workspace, freshness=freshness))
    return load_workspace(path)


@pytest.mark.parametrize("written", ["as_of = 2018-08-31", 'as_of = "2018-08-31"'])
def test_as_of_is_a_date(tmp_path, written):
    assert load(tmp_path, written).as_of == date(2018, 8, 31)
    assert load(tmp_path).as_of is None


@pytest.mark.parametrize("written", ["as_of = 2018-08-31T12:00:00", 'as_of = "last August"'])
def test_as_of_refuses_what_is_not_a_date(tmp_path, written):
    with pytest.raises(ConfigError, match=r"\[workspace\.as_of\] expected a date like 2018-08-31"):
        load(tmp_path, written)


def test_as_of_moves_freshness_to_the_end_of_that_local_day(tmp_path):
    contracts = contracts_for_workspace(load(tmp_path, "as_of = 2018-08-31"))
    fresh = next(r for r in contracts["orders"].rules if type(r).__name__ == "Fresh")
    assert fresh.as_of is not None and fresh.as_of.isoformat() == "2018-09-01T03:00:00+00:00"


@pytest.mark.parametrize("off", ['"off"', "false", "0"])
def test_freshness_can_be_switched_off_per_dataset(tmp_path, off):
    workspace = load(tmp_path, freshness=f"[freshness]\norders = {off}\nresponses = 48")
    assert workspace.max_age_hours == {"orders": 0.0, "responses": 48.0}
    contracts = contracts_for_workspace(workspace)
    assert contracts["orders"].max_age is None  # no freshness rule at all
    assert contracts["responses"].max_age is not None


@pytest.mark.parametrize("bad", ['"2 days"', "true", "-1"])
def test_freshness_refuses_anything_else(tmp_path, bad):
    with pytest.raises(ConfigError, match=r'\[freshness\.orders\] expected hours .* or "off"'):
        load(tmp_path, freshness=f"[freshness]\norders = {bad}")
