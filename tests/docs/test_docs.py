"""The docs stand alone: every KPI, config key, URL parameter and canonical column is documented.

As datasette's ``tests/test_docs.py`` does for its settings and plugin hooks,
the items come from the code and each is its own parametrised test, so a failure
names what is missing (``test_kpi_is_documented[nps]``). A name is documented
when it heads a heading or a table row of its page (``tests/docs/markdown.py``).
"""

from __future__ import annotations

import subprocess
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from canonical.datasets import DATASETS
from metrics.registry import DEFAULT_REGISTRY
from pages.ui import state
from pages.ui.state import ViewState, view_to_params
from tests.docs.config_keys import accepted_keys
from tests.docs.markdown import Documented

REPO = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ KPIs


@pytest.fixture(scope="module")
def kpis_doc() -> Documented:
    return Documented.read("KPIS.md")


@pytest.mark.parametrize("kpi_id", [kpi.id for kpi in DEFAULT_REGISTRY])
def test_kpi_is_documented(kpi_id: str, kpis_doc: Documented) -> None:
    assert kpi_id in kpis_doc.names, f"docs/KPIS.md has no heading or table row for KPI `{kpi_id}`"


# ------------------------------------------------------------------ workspace config

CONFIG_KEYS = accepted_keys()


@pytest.fixture(scope="module")
def config_doc() -> Documented:
    return Documented.read("CONFIGURATION.md")


@pytest.mark.parametrize("table", sorted(CONFIG_KEYS[""]))
def test_config_table_is_documented(table: str, config_doc: Documented) -> None:
    headed = {s for s in config_doc.sections if s == table or s.startswith(table + ".")}
    assert headed, f"docs/CONFIGURATION.md has no heading for the `[{table}]` table"


@pytest.mark.parametrize(
    "section,key",
    [(section, key) for section, keys in CONFIG_KEYS.items() if section for key in sorted(keys)],
)
def test_config_key_is_documented(section: str, key: str, config_doc: Documented) -> None:
    assert key in config_doc.sections.get(section, set()), (
        f"docs/CONFIGURATION.md does not document `{key}` under the `[{section}]` heading"
    )


def test_config_probe_finds_the_known_tables() -> None:
    """Guards the probe: if the loader's messages change, it must not find nothing and pass."""
    assert {"workspace", "sources.NAME", "sources.NAME.datasets.DATASET"} <= set(CONFIG_KEYS)
    assert {"timezone", "min_sample"} <= CONFIG_KEYS["workspace"]


# ------------------------------------------------------------------ URL parameters


FULL_VIEW = ViewState(
    start=date(2026, 1, 1),
    end=date(2026, 1, 31),
    last_days=None,
    comparison="year",
    grain="month",
    segments={"region": ("north",)},
    asof="20260131T120000Z",
    kpi="nps",
    screen=True,
    split="plan",
    split2="region",
    reason="late delivery",
    theme="dark mode",
    search="late",
    band="low",
    page_number=2,
    rotate_seconds=60,
    rotate_pages=("overview",),
    dataset="orders",
)
"""A view with every field away from its default, so the writer writes every parameter."""


def _url_parameters() -> list[str]:
    """What the parser knows, and what the writer writes for views that set every field."""
    written = set(view_to_params(FULL_VIEW)) | set(view_to_params(ViewState(last_days=90)))
    segments = {name for name in written if name.startswith(state.SEGMENT_PREFIX)}
    return sorted(set(state.KNOWN) | (written - segments) | {state.SEGMENT_PREFIX + "NAME"})


@pytest.fixture(scope="module")
def url_doc() -> Documented:
    return Documented.read("URL_STATE.md")


@pytest.mark.parametrize("parameter", _url_parameters())
def test_url_parameter_is_documented(parameter: str, url_doc: Documented) -> None:
    assert parameter in url_doc.names, f"docs/URL_STATE.md does not document `{parameter}`"


def test_full_view_sets_every_field() -> None:
    """A new ViewState field must be set in FULL_VIEW, so its parameter is checked above."""
    defaults = ViewState()
    unset = [
        f.name for f in fields(ViewState) if getattr(FULL_VIEW, f.name) == getattr(defaults, f.name)
    ]
    assert not unset, f"set {unset} in FULL_VIEW (tests/docs/test_docs.py)"


# ------------------------------------------------------------------ data contract


@pytest.fixture(scope="module")
def contract_doc() -> Documented:
    return Documented.read("DATA_CONTRACT.md")


@pytest.mark.parametrize(
    "dataset,column",
    [(spec.name, column) for spec in DATASETS.values() for column in spec.names],
)
def test_canonical_column_is_documented(
    dataset: str, column: str, contract_doc: Documented
) -> None:
    assert column in contract_doc.sections.get(dataset, set()), (
        f"docs/DATA_CONTRACT.md does not document column `{column}` under `{dataset}`"
    )


# ------------------------------------------------------------------ nothing outside the repository

OUTSIDE_DOCUMENTS = ("DESIGN" + ".md", "../" + "shared/", "/work/" + "shared")
"""Written in pieces so that this file does not match itself."""
READS_SHARED_DATA = "../" + "shared/realdata"
"""The one outside path a test may read (real data kept beside the repository)."""


def _repository_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"not a git checkout ({error})")
    return [REPO / name for name in listed if (REPO / name).is_file()]


def test_no_file_cites_a_document_outside_the_repository() -> None:
    citing = []
    for path in _repository_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images and other binary files
        relative = path.relative_to(REPO)
        if relative.parts[0] == "tests":
            text = text.replace(READS_SHARED_DATA, "")
        for number, line in enumerate(text.splitlines(), start=1):
            citing += [
                f"{relative}:{number}: {line.strip()}" for d in OUTSIDE_DOCUMENTS if d in line
            ]
    assert not citing, "cite docs/ instead of documents outside the repository:\n" + "\n".join(
        citing
    )
