"""Page sections: every section a KPI can be placed in is drawn by a page, and vice versa.

A section name is a string shared by the catalogue (``Kpi.sections``) and a page
(``registry.in_section(...)``); a typo on either side would silently hide tiles.
"""

from __future__ import annotations

import re
from pathlib import Path

from metrics.kpi import SECTIONS
from metrics.registry import DEFAULT_REGISTRY

PAGES = Path(__file__).resolve().parents[2] / "pages"


def test_every_declared_section_is_drawn_by_a_page_and_every_drawn_one_is_declared():
    named = set()
    for page in ("benefits.py", "growth.py", "drilldown.py"):
        text = (PAGES / page).read_text(encoding="utf-8")
        named |= set(re.findall(r'"((?:benefits|growth|drilldown)\.[a-z_]+(?:\.trend)?)"', text))
    assert named == set(SECTIONS)


def test_every_section_holds_at_least_one_built_in_kpi():
    assert all(DEFAULT_REGISTRY.in_section(section) for section in SECTIONS)
