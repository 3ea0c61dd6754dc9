"""CONTRIBUTING.md's recipes, each performed in miniature: if a recipe stops working, this fails.

One test per recipe: a KPI declared as the recipe says is computed and placed; a
source kind registered as it says loads from a workspace and refreshes; a page
file is only served once app.py declares it; a rule added to a contract as data
quarantines the rows that break it, with its reason.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import ClassVar

import polars as pl
import pytest

import benefitboard.config
from benefitboard.config import KeyType, SourceConfig, load_workspace
from benefitboard.refresh import refresh_workspace
from connectors.canonicalize import to_canonical
from connectors.kinds import SourceKind, register_source_kind
from connectors.read import read_dataset
from metrics.catalogue import builtin_kpis
from metrics.engine import compute_kpi
from metrics.kpi import Kpi
from metrics.periods import Period
from metrics.registry import Registry
from metrics.view import KpiView
from validation.contracts import build_contracts
from validation.rules import InRange
from validation.runner import validate_dataset

REPO = Path(__file__).resolve().parents[2]
AT = datetime(2026, 1, 5, 12, tzinfo=UTC)
NOW = datetime(2026, 1, 6, tzinfo=UTC)


# ------------------------------------------------------------------ add a KPI


def survey_answers_stats(view: KpiView) -> pl.DataFrame:
    """The recipe's formula: sufficient statistics of its kind (census: n and value)."""
    return view.rows.group_by(view.keys).agg(n=pl.col("n").sum(), value=pl.col("n").sum())


SURVEY_ANSWERS = Kpi(
    id="survey_answers",
    label="Survey answers",
    unit="answers",
    format="count",
    direction="higher",
    dataset="responses",
    description="Σ survey answers of every survey.",
    default_target=None,
    group="benefit",
    kind="census",
    formula=survey_answers_stats,
    on_overview=True,
)


def test_a_kpi_declared_once_is_computed_and_placed() -> None:
    registry = Registry([*builtin_kpis(), SURVEY_ANSWERS])
    responses = pl.DataFrame(
        {
            "response_id": ["a", "b", "c"],
            "survey": ["nps", "nps", "csat"],
            "score": [9.0, 3.0, 5.0],
            "responded_at": [AT] * 3,
        }
    )
    result = compute_kpi(
        "survey_answers",
        {"responses": responses},
        Period(date(2026, 1, 1), date(2026, 1, 31)),
        registry=registry,
    )
    assert (result.missing, result.current.value, result.current.n) == (None, 3.0, 3)
    rows = dict(registry.overview_rows())
    assert [k.id for k in rows["Customer benefit"]][-1] == "survey_answers"
    assert result.kpi.format_value(result.current.value) == "3"


# ------------------------------------------------------------------ add a source kind


class InlineSource(SourceKind):
    """The recipe's kind: rows written in the workspace file itself (``rows = [{...}]``)."""

    name = "inline"
    dataset_keys: ClassVar[Mapping[str, KeyType]] = {"rows": list}

    def read(
        self,
        source: SourceConfig,
        dataset: str,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> pl.LazyFrame:
        mapping = source.datasets[dataset]
        raw = pl.LazyFrame(mapping.options["rows"])
        return to_canonical(raw, source=source.name, mapping=mapping, timezone=source.timezone)


INLINE_WORKSPACE = """
[workspace]
[sources.pasted]
kind = "inline"
[sources.pasted.datasets.responses]
columns = { response_id = "id", responded_at = "at" }
rows = [
  { id = "r1", survey = "nps", score = 9, at = "2026-01-05 10:00:00" },
  { id = "r2", survey = "nps", score = 10, at = "2026-01-05 11:00:00" },
  { id = "r3", survey = "nps", score = 11, at = "2026-01-05 12:00:00" },
]
"""


SOURCE_KIND = InlineSource()
"""What the recipe's module sets; the test lists this module as the kind's home."""


@pytest.fixture(params=["listed", "registered"])
def inline_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The toy kind, listed in BUILT_IN_SOURCE_KINDS or registered, for one test only."""
    monkeypatch.setattr(benefitboard.config, "SOURCE_KINDS", dict(benefitboard.config.SOURCE_KINDS))
    if request.param == "listed":
        monkeypatch.setitem(benefitboard.config.BUILT_IN_SOURCE_KINDS, "inline", __name__)
    else:
        register_source_kind(InlineSource())


@pytest.mark.usefixtures("inline_kind")
def test_a_new_source_kind_loads_reads_and_refreshes(tmp_path: Path) -> None:
    config = tmp_path / "benefitboard.toml"
    config.write_text(INLINE_WORKSPACE, encoding="utf-8")
    workspace = load_workspace(config)
    rows = read_dataset(workspace.sources["pasted"], "responses").collect()
    assert rows["response_id"].to_list() == ["r1", "r2", "r3"]
    report = refresh_workspace(workspace, now=NOW)
    (entry,) = report.datasets
    assert (entry.status, entry.rows, entry.quarantined) == ("ok", 2, 1)  # score 11: off scale


@pytest.mark.usefixtures("inline_kind")
def test_a_source_kind_refuses_keys_it_does_not_declare(tmp_path: Path) -> None:
    config = tmp_path / "benefitboard.toml"
    config.write_text(INLINE_WORKSPACE.replace("rows = [", "table = 'x'\nrows = ["), "utf-8")
    with pytest.raises(benefitboard.config.ConfigError, match=r"unknown key\(s\) \['table'\]"):
        load_workspace(config)


# ------------------------------------------------------------------ add a page


def declared_pages(app_source: str) -> set[str]:
    """The page files app.py's navigation declares: ``st.Page("pages/NAME.py", ...)``."""
    return {
        node.args[0].value
        for node in ast.walk(ast.parse(app_source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Page"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def undeclared_pages(page_files: Iterable[str], app_source: str) -> list[str]:
    return sorted(set(page_files) - declared_pages(app_source))


def _page_files(root: Path) -> list[str]:
    return [f"pages/{p.name}" for p in (root / "pages").glob("*.py") if p.name != "__init__.py"]


def test_every_page_file_is_declared_in_the_navigation() -> None:
    app_source = (REPO / "app.py").read_text(encoding="utf-8")
    assert not undeclared_pages(_page_files(REPO), app_source), "add st.Page(...) to app.py"
    missing = [p for p in declared_pages(app_source) if not (REPO / p).is_file()]
    assert not missing, f"app.py declares page files that do not exist: {missing}"


def test_a_new_page_file_is_served_once_declared(tmp_path: Path) -> None:
    app_source = (REPO / "app.py").read_text(encoding="utf-8")
    (tmp_path / "pages").mkdir()
    for page in [*_page_files(REPO), "pages/retention.py"]:
        (tmp_path / page).write_text('"""A page."""\n', encoding="utf-8")
    assert undeclared_pages(_page_files(tmp_path), app_source) == ["pages/retention.py"]
    declared = app_source.replace(
        '"Data": [',
        '"Data": [\n        st.Page("pages/retention.py", title="Retention", url_path="retention"),',
    )
    assert declared != app_source, "app.py's PAGES no longer has a 'Data' section: update here"
    assert undeclared_pages(_page_files(tmp_path), declared) == []


# ------------------------------------------------------------------ add a validation rule

SHIPPED = pl.DataFrame(
    {
        "order_id": ["a", "b", "c"],
        "ordered_at": [AT] * 3,
        "customer_id": ["x", "y", "z"],
        "amount": [10.0, 20.0, 30.0],
        "shipping_cost": [4.0, 80.0, 5.0],
    }
)


def test_a_rule_added_to_a_contract_quarantines_with_its_reason() -> None:
    contract = build_contracts()["orders"]
    stricter = dataclasses.replace(
        contract, rules=(*contract.rules, InRange("shipping_cost", 0, 50))
    )
    result = validate_dataset("orders", SHIPPED, stricter, source="test", now=NOW)
    assert result.quarantine.select("order_id", "_reasons").rows() == [
        ("b", "shipping_cost: not between 0 and 50")
    ]
    assert result.valid["order_id"].to_list() == ["a", "c"]


def test_a_workspace_expectation_quarantines_the_rows_it_fails() -> None:
    contract = build_contracts(
        extra_expectations=[
            {
                "dataset": "orders",
                "expectation": "ExpectColumnValuesToBeBetween",
                "column": "shipping_cost",
                "max_value": 50,
            }
        ]
    )["orders"]
    result = validate_dataset("orders", SHIPPED, contract, source="test", now=NOW)
    assert result.quarantine["order_id"].to_list() == ["b"]
