"""Workspace config: the demo parses, and each kind of mistake names the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from benefitboard.config import ConfigError, load_workspace
from benefitboard.workspace import DEMO_CONFIG

MINIMAL = """
[workspace]
name = "Shop"
timezone = "Europe/Berlin"

[sources.db]
kind = "sql"
url = "sqlite:///data/shop.sqlite"

[sources.db.datasets.responses]
table = "answers"
segments = ["plan"]
columns = { response_id = "id", responded_at = "created" }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "benefitboard.toml"
    path.write_text(text)
    return path


def test_demo_workspace_declares_every_dataset_with_targets_and_custom_kpis():
    workspace = load_workspace(DEMO_CONFIG)
    assert set(workspace.datasets()) == {
        "responses", "contacts", "orders", "selection", "prices",
        "acquisition", "revenue", "feedback", "events", "kpi_values",
    }  # fmt: skip
    assert workspace.segments("responses") == ("plan", "region", "channel")
    assert workspace.timezone == "Europe/Berlin"
    assert workspace.targets["nps"] == 35.0
    assert [k.id for k in workspace.custom_kpis] == ["app_rating", "return_refund_days"]
    assert workspace.custom_kpis[1].direction == "lower"
    assert workspace.store_dir == DEMO_CONFIG.parent / "store"


def test_minimal_config_fills_defaults_and_resolves_mapping(tmp_path):
    workspace = load_workspace(write(tmp_path, MINIMAL))
    mapping = workspace.sources["db"].datasets["responses"]
    assert mapping.source_column("response_id") == "id"
    assert mapping.source_column("score") == "score"  # unmapped columns keep their name
    assert workspace.min_sample == 30
    assert workspace.csat_scale == (1, 5)
    assert workspace.dataset_source("orders") is None


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        (('timezone = "Europe/Berlin"', 'timezone = "Mars/Olympus"'), "workspace.timezone", "IANA"),
        (('kind = "sql"', 'kind = "ftp"'), "sources.db.kind", "one of"),
        (('table = "answers"', 'table = "answers"\nquery = "select 1"'), "sources.db.datasets"
         ".responses", "exactly one of"),
        (("response_id = ", "respondent = "), "sources.db.datasets.responses.columns.respondent",
         "not a canonical column"),
        (('segments = ["plan"]', 'segments = "plan"'), "sources.db.datasets.responses.segments",
         "list of column names"),
        (("[sources.db.datasets.responses]", "[sources.db.datasets.answers]"),
         "sources.db.datasets.answers", "unknown dataset"),
        (('url = "sqlite:///data/shop.sqlite"', 'url = "postgresql://u:pw@db/shop"'),
         "sources.db.url", "secrets.toml"),
        (('name = "Shop"', 'name = "Shop"\nmin_sampel = 5'), "workspace", "unknown key"),
        (('kind = "sql"', 'kind = "sql"\nmode = "stream"'), "sources.db.mode", "one of"),
    ],
)  # fmt: skip
def test_a_wrong_config_names_the_file_the_key_and_what_was_expected(
    tmp_path, change, key, expected
):
    path = write(tmp_path, MINIMAL.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_workspace(path)
    assert caught.value.key == key
    assert expected in caught.value.problem
    assert str(path) in str(caught.value)


def test_a_dataset_may_come_from_only_one_source(tmp_path):
    twice = MINIMAL + '\n[sources.files]\nkind = "files"\n[sources.files.datasets.responses]\n'
    twice += 'path = "r.csv"\n'
    with pytest.raises(ConfigError, match="already provided by source 'db'"):
        load_workspace(write(tmp_path, twice))


def test_invalid_toml_and_missing_file_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_workspace(write(tmp_path, "[workspace\n"))
    with pytest.raises(ConfigError, match="not found"):
        load_workspace(tmp_path / "nope.toml")


def test_custom_kpi_with_unknown_aggregation_is_rejected(tmp_path):
    text = MINIMAL + '\n[[custom_kpis]]\nid = "rating"\naggregation = "median"\n'
    with pytest.raises(ConfigError) as caught:
        load_workspace(write(tmp_path, text))
    assert caught.value.key == "custom_kpis[0].aggregation"


def test_a_sql_source_may_be_live_and_a_files_source_may_not(tmp_path):
    live = load_workspace(
        write(tmp_path, MINIMAL.replace('kind = "sql"', 'kind = "sql"\nmode = "live"'))
    )
    assert live.sources["db"].live and live.sources["db"].mode == "live"
    assert not load_workspace(write(tmp_path, MINIMAL)).sources["db"].live
    files = '[workspace]\nname = "S"\n[sources.f]\nkind = "files"\nmode = "live"\n'
    files += '[sources.f.datasets.responses]\npath = "r.csv"\n'
    path = write(tmp_path, files)
    with pytest.raises(ConfigError) as caught:
        load_workspace(path)
    assert caught.value.key == "sources.f.mode"
    assert "can only be copied" in caught.value.problem and str(path) in str(caught.value)


def test_custom_kpis_are_read_as_the_metrics_engines_own_spec():
    from metrics.custom import CustomKpiSpec
    from metrics.registry import build_registry

    workspace = load_workspace(DEMO_CONFIG)
    assert all(isinstance(k, CustomKpiSpec) for k in workspace.custom_kpis)
    registry = build_registry(workspace.custom_kpis, workspace.targets)
    assert registry.get("return_refund_days").direction == "lower"


def test_without_an_overview_table_the_registry_chooses_the_tiles():
    from metrics.registry import build_registry

    workspace = load_workspace(DEMO_CONFIG)
    assert workspace.overview_tiles is None
    registry = build_registry(workspace.custom_kpis, workspace.targets, workspace.overview_tiles)
    assert registry.overview_ids[:3] == ("nps", "csat", "ces")


def test_the_overview_tiles_are_chosen_and_ordered_in_config(tmp_path):
    from metrics.registry import build_registry

    text = (
        MINIMAL
        + '\n[[custom_kpis]]\nid = "app_rating"\n'
        + '\n[overview]\ntiles = ["revenue", "app_rating", "csat", "on_time_rate"]\n'
    )
    workspace = load_workspace(write(tmp_path, text))
    assert workspace.overview_tiles == ("revenue", "app_rating", "csat", "on_time_rate")
    registry = build_registry(workspace.custom_kpis, workspace.targets, workspace.overview_tiles)
    rows = [(title, [k.id for k in kpis]) for title, kpis in registry.overview_rows()]
    assert rows == [
        ("Customer benefit", ["app_rating", "csat"]),
        ("Faster, cheaper, more choice", ["on_time_rate"]),
        ("Growth", ["revenue"]),
    ]


@pytest.mark.parametrize(
    ("tiles", "expected"),
    [
        ('["nps", "app_rating"]', "unknown KPI id(s) ['app_rating']"),
        ('["nps", "nps"]', "at most once"),
        ("[]", "non-empty list"),
        ('"nps"', "non-empty list"),
    ],
)
def test_wrong_overview_tiles_name_the_file_and_key(tmp_path, tiles, expected):
    path = write(tmp_path, MINIMAL + f"\n[overview]\ntiles = {tiles}\n")
    with pytest.raises(ConfigError) as caught:
        load_workspace(path)
    assert caught.value.key == "overview.tiles"
    assert expected in caught.value.problem
    assert str(path) in str(caught.value)
