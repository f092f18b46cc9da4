"""Which packages the app declares: read from the file the Python buildpack installs from, only what a deployment installs.

The lock files in tests/fixtures/locks were written by the real tools (see its README.md); the
snippets here are cut from files those tools wrote.
"""

import io
import json
import shutil
import tomllib

import pytest

from cnb.context import DetectContext, Target
from cnb.errors import DetectFail
from cnb import python_env
from cnb.log import Logger
from django_buildpack import dependencies, main
from python_buildpack import package_managers
from support.apps import FIXTURES, ROOT

LOCKS = ROOT / "tests" / "fixtures" / "locks"
DJANGO_PROJECT = FIXTURES / "django-no-procfile"


def lock_app(tmp_path, lock):
    """A Django project (manage.py, myproject/) whose dependencies are those of tests/fixtures/locks/<lock>."""
    app = tmp_path / "app"
    shutil.copytree(DJANGO_PROJECT, app, ignore=shutil.ignore_patterns("requirements.txt", "__pycache__"))
    shutil.copytree(LOCKS / lock, app, dirs_exist_ok=True)
    return app


def detect(app, env=None):
    context = DetectContext(app, app, app, Target(), env or {}, build_plan_path=app / "plan.toml")
    main.detect(context, Logger(io.StringIO()))
    return tomllib.loads((app / "plan.toml").read_text())


def test_detect_finds_the_file_the_python_buildpack_would_choose(tmp_path):
    """Both read cnb/dependency_files.py: with several tools' files, the one BP_PYTHON_PACKAGE_MANAGER picks, else the first."""
    (tmp_path / "poetry.lock").write_text("")
    (tmp_path / "requirements.txt").write_text("")
    assert dependencies.dependency_file(tmp_path) == ("requirements.txt", "pip")
    assert dependencies.dependency_file(tmp_path, {"BP_PYTHON_PACKAGE_MANAGER": "poetry"}) == ("poetry.lock", "poetry")
    assert [(name, manager) for manager in package_managers.MANAGERS
            for name in package_managers.BY_NAME[manager].files] == list(dependencies.MANAGER_FILES)


# requirements files and pyproject.toml (moved from test_project.py)


def test_declared_packages_follow_includes(tmp_path):
    (tmp_path / "requirements.txt").write_text("-r base.txt\ngunicorn==23.0.0\n")
    (tmp_path / "base.txt").write_text("Django==5.2.8  # the framework\n")
    assert dependencies.declared_packages(tmp_path) == {"django", "gunicorn"}


def test_requirements_linked_out_of_the_app_are_not_read(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (tmp_path / "outside.txt").write_text("Django==5.2.8\n")
    (app / "requirements.txt").symlink_to(tmp_path / "outside.txt")
    assert dependencies.declared_packages(app) == set()


def test_an_include_linked_out_of_the_app_is_not_read(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (tmp_path / "outside.txt").write_text("Django==5.2.8\n")
    (app / "requirements.txt").write_text("-r base.txt\n")
    (app / "base.txt").symlink_to(tmp_path / "outside.txt")
    assert dependencies.declared_packages(app) == set()


def test_declared_packages_read_a_linked_requirements_file_and_its_includes_as_pip_does(tmp_path):
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "requirements.txt").write_text("Django==5.2.8\n-r base.txt\n")
    (tmp_path / "base.txt").write_text("gunicorn\n")  # pip opens includes from the link's folder
    (tmp_path / "backend" / "base.txt").write_text("celery\n")
    (tmp_path / "requirements.txt").symlink_to("backend/requirements.txt")
    assert dependencies.declared_packages(tmp_path) == {"django", "gunicorn"}


# Found by the fuzz tests: each name is longer than the system looks up, and pathlib raised an OSError.
def test_an_include_too_long_for_the_system_is_not_read(tmp_path):
    (tmp_path / "requirements.txt").write_text("Django\n-r " + "a" * 300 + "\n")
    assert dependencies.declared_packages(tmp_path) == {"django"}


def test_a_long_chain_of_includes_is_read_to_its_end(tmp_path):
    for number in range(1500):  # deeper than Python's recursion limit
        (tmp_path / f"r{number}.txt").write_text(f"-r r{number + 1}.txt\n")
    (tmp_path / "r1500.txt").write_text("Django\n")
    (tmp_path / "requirements.txt").write_text("-r r0.txt\n")
    assert dependencies.declared_packages(tmp_path) == {"django"}


def test_a_requirements_file_with_a_byte_order_mark_declares_its_first_line(tmp_path):
    (tmp_path / "requirements.txt").write_text("\ufeffDjango==5.2.8\n", encoding="utf-8")
    assert dependencies.declared_packages(tmp_path) == {"django"}


def test_declared_packages_come_from_pyproject_dependencies_without_a_requirements_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\ndependencies = ['Django>=5.2', 'gunicorn', 7, '>>bad']\n")
    assert dependencies.declared_packages(tmp_path) == {"django", "gunicorn"}
    (tmp_path / "requirements.txt").write_text("flask\n")
    assert dependencies.declared_packages(tmp_path) == {"flask"}


@pytest.mark.parametrize("text", ["[project\n", "project = 1\n", "[project]\ndependencies = 'Django'\n", "a = " + "[" * 2000 + "]" * 2000])
def test_an_unreadable_pyproject_declares_nothing(tmp_path, text):
    (tmp_path / "pyproject.toml").write_text(text)
    assert dependencies.declared_packages(tmp_path) == set()


def test_a_poetry_project_without_its_lock_declares_its_main_dependencies(tmp_path):
    # The Poetry 1 layout `poetry init` wrote; the Python buildpack's build asks for the lock.
    (tmp_path / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "mysite"\nversion = "0.1.0"\n\n'
        '[tool.poetry.dependencies]\npython = "^3.11"\nDjango = "^5.2"\nwhitenoise = {version = "^6.8", optional = true}\n\n'
        '[tool.poetry.group.dev.dependencies]\npytest-django = "^4.9"\n\n'
        '[tool.poetry.dev-dependencies]\nblack = "*"\n\n'
        '[tool.poetry.extras]\nstatic = ["whitenoise"]\n'
    )
    assert dependencies.declared_packages(tmp_path) == {"django"}


# uv.lock


def test_uv_lock_declares_what_the_root_project_needs_without_groups_or_its_extras(tmp_path):
    app = lock_app(tmp_path, "uv")
    # pytest is in the dev group, uvicorn in the root's `api` extra: `uv sync --no-default-groups` installs neither.
    assert dependencies.declared_packages(app) == {"django", "gunicorn", "asgiref", "sqlparse", "tzdata"}


def test_uv_lock_with_django_in_the_dev_group_only_does_not_declare_it(tmp_path):
    app = lock_app(tmp_path, "uv-django-dev-only")
    assert dependencies.declared_packages(app) == {"gunicorn"}
    with pytest.raises(DetectFail):
        detect(app)


def test_an_app_with_uv_lock_passes_detect_and_asks_only_for_what_it_lacks(tmp_path):
    assert detect(lock_app(tmp_path, "uv")) == {"requires": [{"name": "python", "metadata": {"packages": ["django-heroku==0.3.1"]}}]}


# `uv add "django[argon2]==5.2.8"` in a project made by `uv init --bare` (uv 0.13.8), sdists and wheels cut.
UV_LOCK_WITH_AN_EXTRA = """\
version = 1
revision = 5
requires-python = ">=3.11"

[[package]]
name = "argon2-cffi"
version = "25.1.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "argon2-cffi-bindings" },
]

[[package]]
name = "argon2-cffi-bindings"
version = "26.2.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "cffi" },
]

[[package]]
name = "asgiref"
version = "3.13.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "bcrypt"
version = "5.0.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "cffi"
version = "2.1.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "pycparser", marker = "implementation_name != 'PyPy'" },
]

[[package]]
name = "django"
version = "5.2.8"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "asgiref" },
    { name = "sqlparse" },
    { name = "tzdata", marker = "sys_platform == 'win32'" },
]

[package.optional-dependencies]
argon2 = [
    { name = "argon2-cffi" },
]
bcrypt = [
    { name = "bcrypt" },
]

[[package]]
name = "mysite"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "django", extra = ["argon2"] },
]

[package.metadata]
requires-dist = [{ name = "django", extras = ["argon2"], specifier = "==5.2.8" }]

[[package]]
name = "pycparser"
version = "3.12"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "sqlparse"
version = "0.6.1"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "tzdata"
version = "2026.6"
source = { registry = "https://pypi.org/simple" }
"""


def test_uv_lock_follows_the_extras_a_dependency_is_asked_with(tmp_path):
    (tmp_path / "uv.lock").write_text(UV_LOCK_WITH_AN_EXTRA)
    assert dependencies.declared_packages(tmp_path) == {
        "django", "asgiref", "sqlparse", "tzdata", "argon2-cffi", "argon2-cffi-bindings", "cffi", "pycparser"
    }  # not bcrypt: no one asks for django[bcrypt]


# A workspace whose root is no project (pyproject.toml: `[tool.uv.workspace] members = ["packages/*"]`)
# and one member made by `uv init --lib web` and `uv add django==5.2.8` (uv 0.13.8): `uv sync` installs every member.
UV_LOCK_OF_A_WORKSPACE = """\
version = 1
revision = 5
requires-python = ">=3.11"

[manifest]
members = [
    "web",
]

[[package]]
name = "asgiref"
version = "3.13.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "django"
version = "5.2.8"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "asgiref" },
    { name = "sqlparse" },
    { name = "tzdata", marker = "sys_platform == 'win32'" },
]

[[package]]
name = "sqlparse"
version = "0.6.1"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "tzdata"
version = "2026.6"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "web"
version = "0.1.0"
source = { editable = "packages/web" }
dependencies = [
    { name = "django" },
]

[package.metadata]
requires-dist = [{ name = "django", specifier = "==5.2.8" }]
"""


def test_uv_lock_of_a_workspace_without_a_root_project_declares_what_its_members_need(tmp_path):
    (tmp_path / "uv.lock").write_text(UV_LOCK_OF_A_WORKSPACE)
    assert dependencies.declared_packages(tmp_path) == {"django", "asgiref", "sqlparse", "tzdata"}


def test_uv_lock_of_a_root_project_follows_its_workspace_members(tmp_path):
    lock = UV_LOCK_OF_A_WORKSPACE.replace('[manifest]\nmembers = [\n    "web",\n]\n',
                                          '[manifest]\nmembers = [\n    "mysite",\n    "web",\n]\n')
    lock += '\n[[package]]\nname = "mysite"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [\n    { name = "web" },\n]\n'
    (tmp_path / "uv.lock").write_text(lock)
    assert dependencies.declared_packages(tmp_path) == {"web", "django", "asgiref", "sqlparse", "tzdata"}


def test_uv_lock_of_a_root_project_leaves_out_members_it_does_not_need(tmp_path):
    lock = UV_LOCK_OF_A_WORKSPACE.replace('[manifest]\nmembers = [\n    "web",\n]\n',
                                          '[manifest]\nmembers = [\n    "mysite",\n    "web",\n]\n')
    lock += '\n[[package]]\nname = "mysite"\nversion = "0.1.0"\nsource = { editable = "." }\n'
    (tmp_path / "uv.lock").write_text(lock)
    assert dependencies.declared_packages(tmp_path) == set()


# poetry.lock


def test_poetry_lock_declares_the_main_group_without_extras(tmp_path):
    app = lock_app(tmp_path, "poetry")
    # pytest and its dependencies are in the dev group; uvicorn, click and h11 only in the `api` extra.
    assert dependencies.declared_packages(app) == {"django", "gunicorn", "asgiref", "sqlparse", "tzdata"}


def test_poetry_lock_with_django_in_the_dev_group_only_does_not_declare_it(tmp_path):
    app = lock_app(tmp_path, "poetry-django-dev-only")
    assert "django" not in dependencies.declared_packages(app)
    with pytest.raises(DetectFail):
        detect(app)


def test_an_app_with_poetry_lock_passes_detect(tmp_path):
    assert detect(lock_app(tmp_path, "poetry")) == {"requires": [{"name": "python", "metadata": {"packages": ["django-heroku==0.3.1"]}}]}


# Pipfile.lock


def test_pipfile_lock_declares_its_default_section(tmp_path):
    app = lock_app(tmp_path, "pipenv")
    assert dependencies.declared_packages(app) == {"django", "gunicorn", "asgiref", "sqlparse"}


def test_pipfile_lock_with_django_in_develop_only_does_not_declare_it(tmp_path):
    app = lock_app(tmp_path, "pipenv-django-dev-only")
    assert dependencies.declared_packages(app) == {"gunicorn"}
    with pytest.raises(DetectFail):
        detect(app)


def test_an_app_with_pipfile_lock_passes_detect(tmp_path):
    assert detect(lock_app(tmp_path, "pipenv")) == {"requires": [{"name": "python", "metadata": {"packages": ["django-heroku==0.3.1"]}}]}


def test_pipfile_lock_keys_are_canonicalised(tmp_path):
    (tmp_path / "Pipfile.lock").write_text(json.dumps({"_meta": {}, "default": {"Django": {"version": "==5.2.8"}, "dj_database_url": {}}}))
    assert dependencies.declared_packages(tmp_path) == {"django", "dj-database-url"}


# Which file, when there are several


def test_a_requirements_file_comes_before_the_locks_as_in_the_python_buildpack(tmp_path):
    app = lock_app(tmp_path, "uv")
    (app / "requirements.txt").write_text("flask\n")
    assert dependencies.declared_packages(app) == {"flask"}
    (app / "requirements.txt").unlink()
    shutil.copy(LOCKS / "pipenv-django-dev-only" / "Pipfile.lock", app)
    assert "django" in dependencies.declared_packages(app)  # uv.lock before Pipfile.lock


def test_bp_python_package_manager_picks_the_file_as_in_the_python_buildpack(tmp_path):
    app = lock_app(tmp_path, "uv")
    (app / "requirements.txt").write_text("flask\n")
    assert "django" in dependencies.declared_packages(app, {"BP_PYTHON_PACKAGE_MANAGER": "uv"})
    assert dependencies.declared_packages(app, {"BP_PYTHON_PACKAGE_MANAGER": "pip"}) == {"flask"}
    # One whose files are absent: the Python buildpack's build refuses it; the first file is read.
    assert dependencies.declared_packages(app, {"BP_PYTHON_PACKAGE_MANAGER": "poetry"}) == {"flask"}


def test_an_unreadable_lock_is_not_passed_over_for_the_next_file(tmp_path):
    app = lock_app(tmp_path, "pipenv")
    (app / "uv.lock").write_text("[[package]\n")
    assert dependencies.declared_packages(app) == set()


# Any file the tools would not write declares nothing, and raises nothing.

DEEP = "[" * 3000 + "]" * 3000
MALFORMED = {
    "uv.lock": [
        "[[package]\n", "package = 1\n", "package = [1, 'x', []]\n", f"package = {DEEP}\n", "version = 1\n",
        "[[package]]\nname = 1\nsource = { virtual = '.' }\ndependencies = 'django'\n",
        "[[package]]\nname = 'app'\nsource = { virtual = '.' }\n"
        "dependencies = ['django', 1, { name = 2 }, { name = 'gunicorn', extra = 'argon2' }]\n",
        "[[package]]\nname = 'app'\nsource = '.'\ndependencies = [{ name = 'django' }]\n",
        "[manifest]\nmembers = 'app'\n", "manifest = 1\n",
        "[[package]]\nname = 'app'\nsource = { virtual = '.' }\noptional-dependencies = 1\n",
    ],
    "poetry.lock": [
        "[[package]\n", "package = 1\n", "package = [1, 'x', []]\n", f"package = {DEEP}\n",
        "[[package]]\nname = 'django'\ngroups = 'main'\n", "[[package]]\nname = 'django'\ncategory = 1\n",
        "[[package]]\nname = ['django']\ngroups = ['main']\n", "[[package]]\nname = 'django'\ngroups = ['dev']\n",
        "[[package]]\nname = 'django'\ngroups = ['main']\noptional = true\n",
        "[[package]]\nname = 'django'\ndependencies = 1\nextras = 'x'\n",
    ],
    "Pipfile.lock": ["{", "[]", "null", '{"default": []}', '{"default": "django"}', '{"develop": {"django": {}}}', DEEP,
                     '{"default": {"": {}, " ": 1}}'],
}


@pytest.mark.parametrize(("name", "text"), [(name, text) for name, texts in MALFORMED.items() for text in texts])
def test_a_malformed_lock_declares_no_django_and_raises_nothing(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    (tmp_path / "manage.py").write_text("")
    assert "django" not in dependencies.declared_packages(tmp_path)
    with pytest.raises(DetectFail):
        detect(tmp_path)


@pytest.mark.parametrize("name", ["uv.lock", "poetry.lock", "Pipfile.lock"])
def test_a_lock_that_is_not_utf8_or_too_large_or_linked_out_of_the_app_is_not_read(tmp_path, name):
    app = lock_app(tmp_path, {"uv.lock": "uv", "poetry.lock": "poetry", "Pipfile.lock": "pipenv"}[name])
    lock = app / name
    assert "django" in dependencies.declared_packages(app)
    lock.rename(tmp_path / name)
    lock.symlink_to(tmp_path / name)
    assert dependencies.declared_packages(app) == set()
    lock.unlink()
    lock.write_bytes((tmp_path / name).read_bytes() + b"\n" * (10 * 1024 * 1024))
    assert dependencies.declared_packages(app) == set()
    lock.write_bytes(b"\xff\xfe" + (tmp_path / name).read_bytes().replace(b"django", b"dj\xffango"))
    assert "django" not in dependencies.declared_packages(app)


# Poetry before 2.0: lock files it still reads


def test_poetry_1_4_lock_declares_the_main_category_without_extras(tmp_path):
    app = lock_app(tmp_path, "poetry-1.4.2")  # lock-version 2.0 with `category = "main"|"dev"`
    assert dependencies.declared_packages(app) == {"django", "whitenoise", "asgiref", "sqlparse", "tzdata"}


def test_poetry_1_8_lock_without_groups_follows_the_main_dependencies_of_pyproject(tmp_path):
    app = lock_app(tmp_path, "poetry-1.8.5")  # lock-version 2.0 recording no group at all
    assert dependencies.declared_packages(app) == {"django", "whitenoise", "asgiref", "sqlparse", "tzdata"}
    pyproject = app / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('django = "5.2.8"\n', "")
                         .replace('pytest-django = "^4.14.0"', 'pytest-django = "^4.14.0"\ndjango = "5.2.8"'))
    assert dependencies.declared_packages(app) == {"whitenoise"}
    with pytest.raises(DetectFail):
        detect(app)


def test_poetry_1_8_lock_follows_the_extras_a_dependency_is_asked_with(tmp_path):
    app = lock_app(tmp_path, "poetry-1.8.5")
    pyproject = app / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('django = "5.2.8"', 'django = {version = "5.2.8", extras = ["argon2"]}'))
    lock = app / "poetry.lock"
    lock.write_text(lock.read_text() + '\n[[package]]\nname = "argon2-cffi"\nversion = "25.1.0"\noptional = false\n'
                    'python-versions = ">=3.8"\n')
    assert "argon2-cffi" in dependencies.declared_packages(app)


@pytest.mark.parametrize(("lock", "name", "manager"), [
    ("uv", "uv.lock", "uv"), ("poetry-1.8.5", "poetry.lock", "poetry"), ("pipenv", "Pipfile.lock", "pipenv"),
])
def test_the_dependency_file_names_the_lock_the_added_packages_are_not_in(tmp_path, lock, name, manager):
    app = lock_app(tmp_path, lock)
    assert dependencies.dependency_file(app) == (name, manager)
    assert dependencies.is_lock_file(manager)
    assert main.messages.added_packages_summary(["gunicorn==27.0.1"], name, True) == (
        f"gunicorn==27.0.1 (not in {name}; pycnb/python adds them with pip after installing the lock)")


def test_the_dependency_file_of_a_requirements_or_pyproject_app(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\nversion = '1'\ndependencies = ['django']\n")
    assert dependencies.dependency_file(tmp_path) == ("pyproject.toml", None)
    (tmp_path / "requirements.txt").write_text("django\n")
    assert dependencies.dependency_file(tmp_path) == ("requirements.txt", "pip")
    assert not dependencies.is_lock_file("pip")
    assert main.messages.added_packages_summary([], "requirements.txt", False) == "none"


# At build, pycnb/python's choice (cnb.python_env) is used, not chosen again.


def test_at_build_the_python_buildpacks_choice_is_used(tmp_path):
    (tmp_path / "requirements.txt").write_text("flask\n")
    shutil.copy(LOCKS / "uv" / "uv.lock", tmp_path / "uv.lock")
    shutil.copy(LOCKS / "uv" / "pyproject.toml", tmp_path / "pyproject.toml")
    env = {python_env.PACKAGE_MANAGER_ENV_VAR: "uv", python_env.DEPENDENCY_FILE_ENV_VAR: "uv.lock"}
    assert dependencies.dependency_file(tmp_path) == ("requirements.txt", "pip")
    assert dependencies.dependency_file(tmp_path, {}, python_env.chosen(env)) == ("uv.lock", "uv")
    assert "django" in dependencies.declared_packages(tmp_path, {}, python_env.chosen(env))


def test_pip_from_pyproject_reads_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\nversion = '1'\ndependencies = ['Django==5.2.8']\n")
    chosen = python_env.chosen({python_env.PACKAGE_MANAGER_ENV_VAR: "pip", python_env.DEPENDENCY_FILE_ENV_VAR: "pyproject.toml"})
    assert dependencies.dependency_file(tmp_path, {}, chosen) == ("pyproject.toml", None)
    assert dependencies.declared_packages(tmp_path, {}, chosen) == {"django"}


def test_without_the_python_buildpacks_answer_the_rule_is_used():
    assert python_env.chosen({}) is None
    assert python_env.chosen({python_env.PACKAGE_MANAGER_ENV_VAR: "uv"}) is None
