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
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str]) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
