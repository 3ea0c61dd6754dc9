"""Start the dashboard: ``python scripts/serve.py [streamlit options]``.

Why not plain ``streamlit run app.py``: Streamlit still has its legacy
multipage mode, which treats a folder named ``pages/`` beside the main script
as a list of standalone pages until the first ``st.navigation`` call. On a
freshly started server, the first visitor who opens a deep link (say, a
meeting-room screen reopening ``/benefits`` after a restart) would get that
page file run alone, without app.py's filters and context
(streamlit/streamlit#9624). Benefitboard declares its navigation explicitly,
so this launcher switches the legacy detection off before the server starts,
then hands over to Streamlit's own command line unchanged.

It also imports the dashboard's own modules (Polars, Plotly, the metrics
engine, the page helpers) before the server starts listening, so the first
visitors after a restart — often a whole meeting room at once — do not wait
for those imports inside their page runs.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "app.py"
WARM_MODULES = ("polars", "plotly.graph_objects", "metrics", "charts.trends", "pages.ui.kpis")


def main(argv: list[str]) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    sys.path.insert(0, str(REPO))
    for module in WARM_MODULES:
        importlib.import_module(module)
    # Tracebacks stay in the server log whatever folder the server starts in
    # (.streamlit/config.toml says the same, but is only read from the current folder).
    if not any(a.startswith("--client.showErrorDetails") for a in argv):
        argv = ["--client.showErrorDetails", "none", *argv]
    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
