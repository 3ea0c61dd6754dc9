"""Where a source's connection URL comes from, and how it is shown without its password.

Why separate from the config: the config is committed and shared, credentials
are not. We follow Streamlit's ``st.connection`` convention — a
``[connections.NAME]`` table in ``.streamlit/secrets.toml`` holding either a
``url`` or its parts — so a team that already uses Streamlit's SQLConnection
needs no new habit. An environment variable wins over the file, for CI and
containers.

Example:
    >>> mask_url("postgresql+psycopg://kpi:s3cret@db:5432/shop")
    'postgresql+psycopg://kpi:***@db:5432/shop'
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benefitboard.config import SourceConfig

SECRETS_ENV = "BENEFITBOARD_SECRETS"


class MissingCredentialsError(LookupError):
    """A source names a connection that neither the environment nor secrets.toml defines."""


def connection_env_var(connection: str) -> str:
    """The environment variable that may hold a connection's URL."""
    return "BENEFITBOARD_CONNECTION_" + re.sub(r"[^A-Za-z0-9]", "_", connection).upper() + "_URL"


def secrets_files(workspace_dir: Path) -> list[Path]:
    """Secrets files in the order they are tried (first match wins)."""
    candidates = []
    if os.environ.get(SECRETS_ENV):
        candidates.append(Path(os.environ[SECRETS_ENV]))
    candidates += [
        Path.cwd() / ".streamlit" / "secrets.toml",
        workspace_dir / ".streamlit" / "secrets.toml",
        Path.home() / ".streamlit" / "secrets.toml",
    ]
    return candidates


def source_url(source: SourceConfig) -> str:
    """The SQLAlchemy URL of a sql source, with relative SQLite paths made absolute.

    A relative SQLite path is read against the workspace folder, not the
    current directory, so the dashboard finds its database wherever it starts.
    """
    url = source.url or _connection_url(source)
    return _absolute_sqlite(url, source.base_dir)


def _connection_url(source: SourceConfig) -> str:
    name = source.connection or source.name
    env_var = connection_env_var(name)
    if os.environ.get(env_var):
        return os.environ[env_var]
    for path in secrets_files(source.base_dir):
        if path.is_file():
            entry = tomllib.loads(path.read_text(encoding="utf-8")).get("connections", {}).get(name)
            if entry:
                return _url_from_entry(entry, path, name)
    raise MissingCredentialsError(
        f"source {source.name!r} needs connection {name!r}, which is not defined. "
        f"Did you forget to set it? Add to .streamlit/secrets.toml:\n"
        f'  [connections.{name}]\n  url = "postgresql+psycopg://user:password@host:5432/db"\n'
        f"or set the environment variable {env_var}."
    )


def _url_from_entry(entry: Mapping[str, Any], path: Path, name: str) -> str:
    if "url" in entry:
        return str(entry["url"])
    from sqlalchemy.engine import URL

    if "dialect" not in entry:
        raise MissingCredentialsError(
            f"{path}: [connections.{name}] needs `url`, or `dialect` with host, database, ..."
        )
    drivername = entry["dialect"] + (f"+{entry['driver']}" if entry.get("driver") else "")
    return URL.create(
        drivername,
        username=entry.get("username"),
        password=entry.get("password"),
        host=entry.get("host"),
        port=entry.get("port"),
        database=entry.get("database"),
        query=entry.get("query", {}),
    ).render_as_string(hide_password=False)


def _absolute_sqlite(url: str, base_dir: Path) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith("sqlite:////"):
        rest = url[len(prefix) :]
        if rest and not rest.startswith(":memory:"):
            return prefix + str((base_dir / rest).resolve())
    return url


_PASSWORD_IN_URL = re.compile(r"(?P<head>[a-zA-Z][\w+.-]*://[^:/@\s]*:)(?P<secret>[^@\s]+)(?=@)")
_PASSWORD_PARAMETER = re.compile(
    r"(?P<head>(?<![\w.-])[\w.-]*(?:password|passwd|pwd|secret|token|key)\s*=\s*)"
    r"(?P<secret>[^&\s;,'\"]+?)(?=[&\s;,'\"]|: |:$|$)",
    re.I,
)
"""``?password=…`` in a URL's query string, ``password=…`` in a libpq/ODBC connection string,
and every other parameter whose name ends in password, secret, token or key (``sslpassword``,
``client_secret``, ``access_token``, ``api_key``): ending where the parameter ends, or before
the ": " of a message that quotes the URL."""


def mask_url(text: str) -> str:
    """Replace any password inside URLs or connection strings in ``text`` with ``***``.

    Safe on any string; masks too much rather than too little (a URL's user
    may be empty, the password may be a query parameter).

    >>> mask_url("postgresql://:pw@db/x, mysql://u@db/x?password=pw, host=db password=pw")
    'postgresql://:***@db/x, mysql://u@db/x?password=***, host=db password=***'
    >>> mask_url("postgresql://bb@db/x?sslpassword=S3CRET&sslmode=require")
    'postgresql://bb@db/x?sslpassword=***&sslmode=require'
    >>> mask_url("snowflake://u@acct/db?private_key=K&client_secret=C&access_token=T&API_KEY=A")
    'snowflake://u@acct/db?private_key=***&client_secret=***&access_token=***&API_KEY=***'
    """
    masked = _PASSWORD_IN_URL.sub(lambda m: m.group("head") + "***", text)
    return _PASSWORD_PARAMETER.sub(lambda m: m.group("head") + "***", masked)
