"""A one-file workspace for tests: survey answers in a CSV, read by a ``files`` source."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def answers_workspace(
    folder: Path, name: str, lines: Sequence[str], *, segments: Sequence[str] = ()
) -> Path:
    """Write ``lines`` (header first) to ``folder/answers.csv`` and a workspace config that
    reads them as the responses dataset; return the config's path."""
    (folder / "answers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    declared = f"segments = {list(segments)!r}\n".replace("'", '"') if segments else ""
    config = folder / "benefitboard.toml"
    config.write_text(
        f'[workspace]\nname = "{name}"\n\n[sources.exports]\nkind = "files"\n\n'
        f'[sources.exports.datasets.responses]\npath = "answers.csv"\n{declared}',
        encoding="utf-8",
    )
    return config
