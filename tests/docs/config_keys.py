"""The keys the workspace loader accepts, found by asking the loader itself.

Why probe instead of importing lists: the accepted keys are spread over the
reader (``benefitboard/config.py``) and the source kinds (``connectors/``), some as
inline sets. Every table the loader checks answers an unknown key with
``unknown key(s) [...]; expected some of [...]``, naming the table. So each probe
loads a small valid workspace with one stray key in one place and reads the
allowed keys from the error. Tables are found by walking from the top: a key
whose value, given a stray key, is reported as a table of its own is a section
(``[workspace]``), a table of named sections (``[taxonomy.themes.NAME]``) or an
array of tables (``[[custom_kpis]]``). Source kinds are asked for by name, and
each kind's source and dataset tables are probed with that kind.

Sections are named as docs/CONFIGURATION.md heads them: ``workspace``,
``sources.NAME``, ``sources.NAME.datasets.DATASET``, ``custom_kpis``; the
top-level keys are under ``""``.
"""

from __future__ import annotations

import ast
import copy
import json
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benefitboard.config import ConfigError, load_workspace

STRAY = "zz_stray_key"
NAME = "zz_name"
"""The name probes give a section whose name is the user's (a source, a theme)."""
_UNKNOWN = re.compile(r"unknown key\(s\) \[.*?\]; expected some of (\[.*\])")
_CHOICES = re.compile(r"expected one of (\(.*?\)|\[.*?\])")
BASE: dict[str, Any] = {
    "workspace": {},
    "sources": {NAME: {"kind": "files", "datasets": {"responses": {"path": "answers.csv"}}}},
}
"""The smallest workspace the loader accepts; every probe changes one place of it."""
SOURCE_FILLS: tuple[dict[str, Any], ...] = ({}, {"url": "sqlite://"}, {"connection": "probe"})
"""What a source of a kind may need before its datasets are read (tried in order)."""


def accepted_keys() -> dict[str, set[str]]:
    """Section -> the keys the loader accepts in it, for every section it checks."""
    with tempfile.TemporaryDirectory() as folder:
        probe = _Probe(Path(folder) / "benefitboard.toml")
        sections: dict[str, set[str]] = {}
        top = probe.allowed(_with(BASE, (STRAY,), 1), "")
        if top is None:
            raise AssertionError(
                "the loader did not report an unknown top-level key the way this probe reads "
                f"it ({_UNKNOWN.pattern}); update tests/docs/config_keys.py"
            )
        sections[""] = top
        probe.walk((), top, sections)
        for kind in probe.source_kinds():
            probe.source_kind(kind, sections)
        return sections


class _Probe:
    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, config: Mapping[str, Any]) -> ConfigError | None:
        self.path.write_text(_toml(config), encoding="utf-8")
        try:
            load_workspace(self.path)
        except ConfigError as error:
            return error
        return None

    def allowed(self, config: Mapping[str, Any], where: str) -> set[str] | None:
        """The keys allowed at ``where`` if loading ``config`` fails for an unknown key there."""
        error = self.error(config)
        if error is None or error.key != where:
            return None
        match = _UNKNOWN.search(error.problem)
        return set(ast.literal_eval(match.group(1))) if match else None

    def walk(self, at: tuple[str, ...], keys: set[str], sections: dict[str, set[str]]) -> None:
        """Record every section below ``at`` whose keys the loader checks."""
        for key in sorted(keys):
            path = (*at, key)
            for section, value, where in _shapes(path):
                found = self.allowed(_with(BASE, path, value), where)
                if found is not None:
                    sections[".".join(section)] = sections.get(".".join(section), set()) | found
                    if not isinstance(value, list):
                        self.walk(section, found, sections)
                    break

    def source_kinds(self) -> tuple[str, ...]:
        """The kinds a source may name, as the loader lists them for an unknown kind."""
        error = self.error(_with(BASE, ("sources", NAME, "kind"), STRAY))
        match = _CHOICES.search(error.problem) if error else None
        if match is None:
            raise AssertionError(f"the loader did not list the source kinds: {error}")
        return tuple(ast.literal_eval(match.group(1)))

    def source_kind(self, kind: str, sections: dict[str, set[str]]) -> None:
        """Record the keys of a ``kind`` source and of its datasets."""
        source = {"kind": kind, STRAY: 1}
        found = self.allowed(_with(BASE, ("sources", NAME), source), f"sources.{NAME}")
        if found is None:
            raise AssertionError(f"no unknown-key check on a {kind!r} source")
        sections.setdefault("sources.NAME", set()).update(found)
        where = f"sources.{NAME}.datasets.responses"
        for fill in SOURCE_FILLS:
            source = {"kind": kind, **fill, "datasets": {"responses": {STRAY: 1}}}
            found = self.allowed(_with(BASE, ("sources", NAME), source), where)
            if found is not None:
                sections.setdefault("sources.NAME.datasets.DATASET", set()).update(found)
                return
        raise AssertionError(
            f"could not reach the dataset keys of a {kind!r} source: add what such a source "
            "needs to SOURCE_FILLS in tests/docs/config_keys.py"
        )


def _shapes(path: tuple[str, ...]) -> tuple[tuple[tuple[str, ...], Any, str], ...]:
    """How a key may hold a section: (section, a value with a stray key, where it is reported)."""
    dotted = ".".join(NAME if p == "NAME" else p for p in path)
    return (
        (path, {STRAY: 1}, dotted),  # [a.b]
        ((*path, "NAME"), {NAME: {STRAY: 1}}, f"{dotted}.{NAME}"),  # [a.b.NAME]
        (path, [{STRAY: 1}], f"{dotted}[0]"),  # [[a.b]]
    )


def _with(config: Mapping[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of ``config`` with ``value`` at ``path`` (the placeholder NAME written ``zz_name``)."""
    changed = copy.deepcopy(dict(config))
    table = changed
    *parents, last = [NAME if p == "NAME" else p for p in path]
    for part in parents:
        if not isinstance(table.get(part), dict):
            table[part] = {}
        table = table[part]
    if isinstance(value, dict) and isinstance(table.get(last), dict):
        value = {**table[last], **value}
    table[last] = value
    return changed


def _toml(config: Mapping[str, Any]) -> str:
    """``config`` as TOML, each top-level key on its own line with inline tables below it."""
    return "".join(f"{json.dumps(key)} = {_value(value)}\n" for key, value in config.items())


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(value)
