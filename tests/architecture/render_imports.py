"""What rendering every page imports that pages.ui.preload did not import before.

Run in a fresh interpreter (``python -B -m tests.architecture.render_imports CONFIG``):
imports the preload, renders each page of the whole app with AppTest on the
workspace CONFIG, and prints the modules, other than the standard library's,
that the renders imported. A module imported on first render is imported by
whichever sessions render first, at the same time: that is the race the preload
exists to prevent, so the list should be empty. Exits 1 if it is not.
"""

from __future__ import annotations

import os
import sys

import pages.ui.preload

PAGES = [f"pages/{page.name}" for page in pages.ui.preload.PAGE_SCRIPTS]


def imported_while_rendering(config: str) -> list[str]:
    from streamlit.testing.v1 import AppTest

    from tests.app.full_app import APP, declared_pages_only

    os.environ["BENEFITBOARD_CONFIG"] = config
    declared_pages_only()
    before = set(sys.modules)
    at = AppTest.from_file(APP, default_timeout=120).run()
    for page in PAGES:
        at.switch_page(page).run()
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].value}")
    return sorted(
        name
        for name in set(sys.modules) - before
        if name.split(".")[0] not in sys.stdlib_module_names
    )


if __name__ == "__main__":
    modules = imported_while_rendering(sys.argv[1])
    print(f"{len(PAGES)} pages rendered; {len(modules)} modules imported while rendering")
    print("\n".join(modules))
    raise SystemExit(1 if modules else 0)
