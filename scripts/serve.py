"""Start the dashboard: ``python scripts/serve.py [streamlit options]``.

The same as ``streamlit run app.py [options]`` (which works as well, deep links
included: see ``pages/ui/context.page_context``), plus two things for a server
that many people open at once:

- it runs ``pages.ui.preload`` (every module the pages use: Polars, Plotly,
  pandas, the metrics engine, the page helpers) before the server starts
  listening, so the first visitors after a restart, often a whole meeting room
  at once, do not wait for those imports inside their page runs (under plain
  ``streamlit run`` the first session runs it and the others wait for it);
- it hides tracebacks from viewers whatever folder the server starts in
  (.streamlit/config.toml says the same, but Streamlit reads it only from the
  current folder).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "app.py"


def main(argv: list[str]) -> None:
    from streamlit.web import cli

    sys.path.insert(0, str(REPO))
    importlib.import_module("pages.ui.preload")
    # Tracebacks stay in the server log whatever folder the server starts in.
    if not any(a.startswith("--client.showErrorDetails") for a in argv):
        argv = ["--client.showErrorDetails", "none", *argv]
    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
