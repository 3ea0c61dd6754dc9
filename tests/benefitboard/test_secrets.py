"""Connection URLs come from the environment or secrets.toml, and are shown masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from benefitboard.config import SourceConfig
from benefitboard.secrets import (
    MissingCredentialsError,
    connection_env_var,
    mask_url,
    source_url,
)


def source(tmp_path: Path, **kwargs) -> SourceConfig:
    return SourceConfig(name="wh", kind="sql", base_dir=tmp_path, datasets={}, **kwargs)


def test_relative_sqlite_path_is_read_against_the_workspace_folder(tmp_path):
    url = source_url(source(tmp_path, url="sqlite:///data/demo.sqlite"))
    assert url == f"sqlite:///{tmp_path.resolve()}/data/demo.sqlite"


def test_environment_variable_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(connection_env_var("warehouse"), "postgresql://a:b@h/db")
    assert source_url(source(tmp_path, connection="warehouse")) == "postgresql://a:b@h/db"


def test_secrets_file_url_and_parts(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[connections.warehouse]\nurl = "postgresql://x:y@h/db"\n'
        '[connections.parts]\ndialect = "postgresql"\ndriver = "psycopg"\nhost = "h"\n'
        'port = 5433\ndatabase = "kpi"\nusername = "u"\npassword = "p@ss"\n'
    )
    monkeypatch.setenv("BENEFITBOARD_SECRETS", str(secrets))
    assert source_url(source(tmp_path, connection="warehouse")) == "postgresql://x:y@h/db"
    assert source_url(source(tmp_path, connection="parts")) == (
        "postgresql+psycopg://u:p%40ss@h:5433/kpi"
    )


def test_missing_connection_says_what_to_put_where(tmp_path, monkeypatch):
    monkeypatch.setenv("BENEFITBOARD_SECRETS", str(tmp_path / "none.toml"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MissingCredentialsError) as caught:
        source_url(source(tmp_path, connection="nowhere"))
    message = str(caught.value)
    assert "[connections.nowhere]" in message
    assert "BENEFITBOARD_CONNECTION_NOWHERE_URL" in message


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("postgresql+psycopg://kpi:s3cret@db:5432/shop", "postgresql+psycopg://kpi:***@db:5432/shop"),
        ("failed: mysql://root:hunter2@10.0.0.1/x (timeout)", "failed: mysql://root:***@10.0.0.1/x (timeout)"),
        ("sqlite:////tmp/demo.sqlite", "sqlite:////tmp/demo.sqlite"),
        ("postgresql://user@host/db", "postgresql://user@host/db"),
    ],
)  # fmt: skip
def test_mask_url_hides_only_passwords(text, masked):
    assert mask_url(text) == masked
