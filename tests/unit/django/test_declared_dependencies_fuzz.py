"""Fuzz: the readers of uv.lock, poetry.lock and Pipfile.lock give a set of names for any file, never a traceback."""

from __future__ import annotations

import json

from django_buildpack import dependencies
from hypothesis import given
from hypothesis import strategies as st
from support.fuzz import LONG, UNICODE, WHITESPACE, app_dir, concatenations, lines_of

# Keys and values the three tools write, and a few that break the readers' assumptions.
KEYS = st.sampled_from(
    [
        "name", "version", "source", "dependencies", "optional-dependencies", "dev-dependencies", "extra", "extras", "groups",
        "category", "optional", "editable", "virtual", "registry", "members", "manifest", "package", "default", "develop", "_meta",
        "python", "markers", "",
    ]
)
SCALARS = st.one_of(
    st.sampled_from(["django", "Django", "gunicorn", "mysite", ".", "./", "main", "dev", "argon2", "python", "", " ", "django\u0131"]),
    st.integers(-2, 2), st.booleans(), LONG, UNICODE,
)
# Values nested as deep as real locks go, and a little deeper.
VALUES = st.recursive(
    SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)), max_leaves=25
)


def toml_value(value) -> str:
    """`value` as a TOML inline value (strings as JSON strings: TOML's basic strings share their escapes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(map(toml_value, value)) + "]"
    return "{ " + ", ".join(f"{json.dumps(key)} = {toml_value(item)}" for key, item in value.items()) + " }"


# A lock's top level: `package` as a list of tables, as all three TOML shapes have it, beside other keys.
LOCK_TOML = st.tuples(st.lists(st.dictionaries(KEYS, VALUES, max_size=6), max_size=6), st.dictionaries(KEYS, VALUES, max_size=3)).map(
    lambda parts: "".join(f"{json.dumps(key)} = {toml_value(value)}\n" for key, value in parts[1].items() if key != "package")
    + f"package = {toml_value(parts[0])}\n"
)
# Lines cut from real lock files, shuffled and broken.
LOCK_LINES = lines_of(
    concatenations(
        st.sampled_from(
            [
                "[[package]]", "[package.dependencies]", "[package.optional-dependencies]", "[package.dev-dependencies]", "[manifest]",
                "[package.extras]", "[metadata]", 'name = "django"', 'name = "mysite"', 'source = { virtual = "." }',
                'source = { editable = "." }', 'dependencies = [{ name = "django" }]', '{ name = "django", extra = ["argon2"] },',
                'groups = ["main"]', 'groups = ["dev"]', 'category = "main"', "optional = true", 'members = ["web"]', "[", "]", "{",
                "}", '"', "=", ",", 'django = ">=5"', 'argon2 = ["argon2-cffi (>=19.1.0)"]', "[" * 600,
            ]
        ),
        WHITESPACE, UNICODE, LONG,
    )
)
TOML_FILE = st.one_of(st.binary(max_size=200), LOCK_LINES.map(str.encode), LOCK_TOML.map(str.encode))
JSON_FILE = st.one_of(
    st.binary(max_size=200),
    st.one_of(VALUES,
              st.dictionaries(st.sampled_from(["default", "develop", "_meta"]), VALUES, max_size=3)).map(json.dumps).map(str.encode),
    st.sampled_from([b"[" * 5000, b'{"default": ' * 3000]),
)
PYPROJECT = st.one_of(
    st.just(b""),
    st.dictionaries(st.sampled_from(["project", "tool"]), VALUES, max_size=2).map(
        lambda tables: "".join(f"{key} = {toml_value(value)}\n" for key, value in tables.items()).encode()
    ),
)


@given(TOML_FILE, PYPROJECT)
def test_any_uv_lock_gives_a_set_of_names(data, pyproject):
    with app_dir() as app:
        (app / "uv.lock").write_bytes(data)
        (app / "pyproject.toml").write_bytes(pyproject)
        assert isinstance(dependencies.declared_packages(app), set)


@given(TOML_FILE, PYPROJECT)
def test_any_poetry_lock_gives_a_set_of_names(data, pyproject):
    with app_dir() as app:
        (app / "poetry.lock").write_bytes(data)
        (app / "pyproject.toml").write_bytes(pyproject)
        assert isinstance(dependencies.declared_packages(app), set)


@given(JSON_FILE)
def test_any_pipfile_lock_gives_a_set_of_names(data):
    with app_dir() as app:
        (app / "Pipfile.lock").write_bytes(data)
        assert isinstance(dependencies.declared_packages(app), set)


@given(PYPROJECT)
def test_any_pyproject_without_a_lock_gives_a_set_of_names(pyproject):
    with app_dir() as app:
        (app / "pyproject.toml").write_bytes(pyproject)
        assert isinstance(dependencies.declared_packages(app), set)
