"""Finding the settings' calls to django_heroku.settings() that will require TLS of the database.

django-heroku 0.3.1 (django_heroku/core.py) configures DATABASES, whenever DATABASE_URL is set,
with `dj_database_url.config(conn_max_age=..., ssl_require=True)`, which puts `sslmode=require`
into the connection options. libpq lets an explicit option win over `PGSSLMODE`, and
dj-database-url lets `ssl_require` win over `?sslmode=` in the URL, so an app calling it fails at
its first query against a PostgreSQL without TLS, and no env var changes that.

Read from the source with `ast`, since DATABASE_URL is usually not set at build time and
django-heroku leaves DATABASES alone without it. Only calls we are sure about are reported: a
`databases=` we cannot evaluate, or `**kwargs`, is given the benefit of the doubt.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from cnb.app_files import is_file

# What `django_heroku.settings` is, under any import: the package re-exports core's function.
SETTINGS_FUNCTIONS = {"django_heroku.settings", "django_heroku.core.settings"}
OPT_OUT_KEYWORD = "databases"
# After the call, a statement that assigns or deletes DATABASES (or any part of it), or that names
# `sslmode`, means the settings take the database into their own hands: nothing to say then.
DATABASES_SETTING = "DATABASES"
SSLMODE = "sslmode"
# A settings file larger than this is not a settings file we read.
MAX_SOURCE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class TlsRequiringCall:
    """A call to django_heroku.settings() with its database handling on: where, and its source."""

    file: str
    line: int
    code: str


def _dotted(node: ast.expr) -> str | None:
    """`a.b.c` for a chain of names and attributes, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _imported_names(tree: ast.Module) -> dict[str, str]:
    """Each name an import binds to the full dotted name it stands for (`dh` -> `django_heroku`)."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    # `import django_heroku.core` binds `django_heroku`.
                    top = alias.name.partition(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _resolve(dotted: str, names: dict[str, str]) -> str:
    first, dot, rest = dotted.partition(".")
    return names[first] + dot + rest if first in names else dotted


def _databases_on(call: ast.Call) -> bool | None:
    """True when the call certainly configures DATABASES, False when it certainly does not, None when unknown."""
    for keyword in call.keywords:
        if keyword.arg == OPT_OUT_KEYWORD:
            return bool(keyword.value.value) if isinstance(keyword.value, ast.Constant) else None
    if any(keyword.arg is None for keyword in call.keywords):
        return None
    return True


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _handled_after(tree: ast.Module, line: int) -> bool:
    """Whether a statement after `line` assigns or deletes DATABASES, or names sslmode."""
    for node in ast.walk(tree):
        if getattr(node, "lineno", 0) <= line:
            continue
        if isinstance(node, ast.Constant) and node.value == SSLMODE:
            return True
        targets: list[ast.expr] = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        if any(_root_name(target) == DATABASES_SETTING for target in targets):
            return True
    return False


def find(source: str) -> list[int]:
    """Lines of the calls to django_heroku.settings() that leave it to require TLS of the database."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # Importing the settings says what is wrong with them. CPython's parser gives up on
        # expressions nested a few thousand deep with a RecursionError, or a MemoryError for `----x`.
        return []
    names = _imported_names(tree)
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        dotted = _dotted(node.func)
        if dotted is None or _resolve(dotted, names) not in SETTINGS_FUNCTIONS:
            continue
        if _databases_on(node) and not _handled_after(tree, node.end_lineno or node.lineno):
            lines.append(node.lineno)
    return sorted(lines)


def settings_file(app_dir: Path, settings_module: str) -> Path | None:
    """The settings module's file in the app, from its dotted path (when it could not be imported)."""
    base = app_dir / settings_module.replace(".", "/")
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if is_file(path):
            return path
    return None


def scan(app_dir: Path, settings_module: str, loaded_files: list[str]) -> list[TlsRequiringCall]:
    """Every TLS-requiring call in the app's modules that importing the settings loaded (else in
    the settings module's file), reading only regular files inside the app."""
    app = app_dir.resolve()
    files = [Path(file) for file in loaded_files] or [file for file in [settings_file(app_dir, settings_module)] if file]
    found = []
    for path in files:
        resolved = path.resolve()
        if not resolved.is_relative_to(app) or not resolved.is_file() or resolved.stat().st_size > MAX_SOURCE_BYTES:
            continue
        source = resolved.read_text(encoding="utf-8", errors="replace")
        source_lines = source.splitlines()
        for line in find(source):
            code = source_lines[line - 1].strip() if line <= len(source_lines) else ""
            found.append(TlsRequiringCall(str(resolved.relative_to(app)), line, code))
    return found
