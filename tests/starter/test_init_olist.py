"""`init` on the real Olist sample (seven marketplace CSVs, read-only, never copied): the
written config refreshes without error and shows CSAT and on-time delivery.

The sample is at ``../shared/realdata/olist`` or ``$BENEFITBOARD_OLIST_DIR``; where it is
absent the test is skipped, naming the folder it looked at. The time init and the refresh
take is printed (run with ``-s`` to see it).
"""

from __future__ import annotations

import contextlib
import io
import os
import time
import tomllib
from pathlib import Path

import pytest

from benefitboard.__main__ import main
from benefitboard.starter.init import init_workspace

REPO_ROOT = Path(__file__).resolve().parents[2]
OLIST = Path(
    os.environ.get("BENEFITBOARD_OLIST_DIR", REPO_ROOT.parent / "shared" / "realdata" / "olist")
)

pytestmark = pytest.mark.skipif(
    not (OLIST / "olist_orders_dataset.csv").is_file(),
    reason=f"the Olist sample is not at {OLIST} (set BENEFITBOARD_OLIST_DIR to its folder)",
)


def test_init_on_olist_writes_a_config_that_refreshes_and_shows_csat_and_on_time(tmp_path):
    config = tmp_path / "olist" / "benefitboard.toml"
    started = time.perf_counter()
    result = init_workspace([OLIST], output=config)
    init_and_dry_run = time.perf_counter() - started
    assert result.dry_run is not None and result.dry_run.ok, result.dry_run
    shown = [k.id for k in result.dry_run.shows]
    assert {"csat", "csat_mean", "on_time_rate", "delivery_p50_hours", "revenue"} <= set(shown)
    assert "nps" not in shown  # review stars are CSAT, not NPS

    raw = tomllib.loads(config.read_text(encoding="utf-8"))
    assert raw["workspace"]["csat_scale"] == [1, 5]
    datasets = raw["sources"]["files"]["datasets"]
    assert {"responses", "orders", "revenue", "acquisition"} <= set(datasets)
    assert "'csat' AS survey" in datasets["responses"]["query"]
    assert "SUM(CAST(payment_value AS DOUBLE))" in datasets["orders"]["query"]

    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        code = main(["--config", str(config), "refresh"])
    refresh = time.perf_counter() - started
    assert code == 0, printed.getvalue()
    assert " failed " not in printed.getvalue() and "quarantined" not in printed.getvalue()
    print(
        f"\nOlist: inspect + write {result.inspect_seconds:.1f} s, dry refresh "
        f"{result.refresh_seconds:.1f} s (init total {init_and_dry_run:.1f} s); "
        f"then `refresh` {refresh:.1f} s; KPIs shown ({len(shown)}): {', '.join(shown)}"
    )
