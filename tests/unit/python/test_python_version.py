import pytest

from cnb.errors import BuildpackError
from python_buildpack.app import App
from python_buildpack import python_version


def resolve(app, env=None):
    return python_version.resolve(App(app), env or {})


def test_default_is_newest_in_index(tmp_path):
    resolution = resolve(tmp_path)
    assert resolution.request.matches("3.13.15") and resolution.request.matches("3.11.2")
    assert resolution.request.source.startswith("default")


@pytest.mark.parametrize(
    ("text", "matches", "rejects"),
    [("3.13\n", "3.13.15", "3.11.2"), ("3.13.15", "3.13.15", "3.13.5"), ("# pinned\n\n  3.11  # comment\n", "3.11.2", "3.13.15")],
)
def test_python_version_file_formats(tmp_path, text, matches, rejects):
    (tmp_path / ".python-version").write_text(text)
    request = resolve(tmp_path).request
    assert request.source == ".python-version"
    assert request.matches(matches) and not request.matches(rejects)


def test_order_env_var_beats_files(tmp_path):
    (tmp_path / ".python-version").write_text("3.11\n")
    resolution = resolve(tmp_path, {"BP_PYTHON_VERSION": "3.13"})
    assert resolution.request.source == "BP_PYTHON_VERSION env var"
    assert [other.source for other in resolution.conflicts("3.13.15")] == [".python-version"]


def test_order_version_file_beats_runtime_txt_and_pyproject(tmp_path):
    (tmp_path / ".python-version").write_text("3.13\n")
    (tmp_path / "runtime.txt").write_text("python-3.13.15\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.11"\n')
    resolution = resolve(tmp_path)
    assert resolution.request.source == ".python-version"
    assert resolution.conflicts("3.13.15") == []
    assert resolution.warnings[0][0] == "runtime.txt is deprecated"
    assert resolution.warnings[0][1].startswith("runtime.txt is ignored: the Python version comes from .python-version")


def test_runtime_txt_used_with_deprecation_warning(tmp_path):
    (tmp_path / "runtime.txt").write_text("python-3.11.2\n")
    resolution = resolve(tmp_path)
    assert resolution.request.source == "runtime.txt" and resolution.request.describe() == "3.11.2"
    assert [title for title, _ in resolution.warnings] == ["runtime.txt is deprecated"]
    assert resolution.warnings[0][1].startswith("The Python version came from runtime.txt")


def test_file_requests_know_their_line(tmp_path):
    (tmp_path / "runtime.txt").write_text("\npython-3.12.4\n")
    assert resolve(tmp_path).request.where == "runtime.txt, line 2"
    (tmp_path / ".python-version").write_text("# pinned for the worker\n3.12\n")
    assert resolve(tmp_path).request.where == ".python-version, line 2"


def test_requires_python_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.12"\n')
    request = resolve(tmp_path).request
    assert request.matches("3.13.15") and not request.matches("3.11.2")


@pytest.mark.parametrize(
    ("files", "env", "title", "detail"),
    [
        ({".python-version": "3.13\nthree\n"}, {}, "Invalid Python version in .python-version",
         ".python-version, line 2: 'three' is not a Python version."),
        ({".python-version": "python-3.13\n"}, {}, "Invalid Python version in .python-version",
         ".python-version, line 1: 'python-3.13' is not a Python version."),
        ({".python-version": "# nothing\n\n"}, {}, "No Python version in .python-version",
         ".python-version exists but holds no version (only blank lines or comments)."),
        ({".python-version": "3.13\n3.11\n"}, {}, "Several Python versions in .python-version",
         ".python-version names a version on lines 1, 2; an app runs on one Python version."),
        ({"runtime.txt": "3.13.15\n"}, {}, "Invalid Python version in runtime.txt",
         "runtime.txt, line 1: '3.13.15' is not of the form `python-3.13.15`."),
        ({}, {"BP_PYTHON_VERSION": "latest"}, "Invalid Python version in BP_PYTHON_VERSION",
         "BP_PYTHON_VERSION is set to 'latest', which is not a Python version."),
        ({"pyproject.toml": "[project\n"}, {}, "Cannot read pyproject.toml", None),
        ({"pyproject.toml": '[project]\nrequires-python = "three"\n'}, {}, "Invalid requires-python in pyproject.toml",
         "requires-python = 'three' is not a version specifier."),
        # Found by the fuzz tests: int() refused the 4400 digits with a traceback.
        ({".python-version": "3." + "1" * 4400}, {}, "Invalid Python version in .python-version", None),
        ({"runtime.txt": "python-3." + "1" * 4400}, {}, "Invalid Python version in runtime.txt", None),
        ({}, {"BP_PYTHON_VERSION": "3." + "1" * 4400}, "Invalid Python version in BP_PYTHON_VERSION", None),
    ],
)
def test_malformed_sources_name_file_line_and_format(tmp_path, files, env, title, detail):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(BuildpackError) as raised:
        resolve(tmp_path, env)
    assert raised.value.title == title
    if detail:
        assert raised.value.details == detail


def test_non_utf8_version_file(tmp_path):
    (tmp_path / ".python-version").write_bytes(b"3.13\n\xff\xfe\n")
    with pytest.raises(BuildpackError) as raised:
        resolve(tmp_path)
    assert raised.value.title == ".python-version is not UTF-8 text"
    assert "line 2" in raised.value.details


def test_bom_and_crlf_are_accepted(tmp_path):
    (tmp_path / ".python-version").write_bytes(b"\xef\xbb\xbf3.11\r\n")
    assert resolve(tmp_path).request.describe() == "3.11"


@pytest.mark.parametrize(("text", "title"), [
    ("project = 'my-app'\n", "Invalid [project] table in pyproject.toml"),
    ("[project]\nrequires-python = 3.13\n", "Invalid requires-python in pyproject.toml"),
    ("[project]\nrequires-python = ['>=3.12']\n", "Invalid requires-python in pyproject.toml"),
    # Found by the fuzz tests: tomllib raised a ValueError and a RecursionError.
    ("a = " + "1" * 5000 + "\n", "Cannot read pyproject.toml"),
    ("a = " + "[" * 2000 + "]" * 2000 + "\n", "Cannot read pyproject.toml"),
    # Found by the fuzz tests: packaging took the specifier, then raised a ValueError when comparing.
    ('[project]\nrequires-python = "<' + "0" * 4301 + '"\n', "Invalid requires-python in pyproject.toml"),
])
def test_pyproject_of_the_wrong_shape_is_an_error_not_a_crash(tmp_path, text, title):
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(BuildpackError) as raised:
        resolve(tmp_path)
    assert raised.value.title == title


@pytest.mark.parametrize("name", [".python-version", "runtime.txt", "pyproject.toml"])
def test_version_files_linked_out_of_the_app_are_not_read(tmp_path, name):
    (tmp_path / name).symlink_to("/etc/passwd")
    with pytest.raises(BuildpackError) as raised:
        resolve(tmp_path)
    assert raised.value.title == f"{name} is a link to a file outside the app"
    assert "root:" not in raised.value.details


@pytest.mark.parametrize(
    ("constraint", "matches", "rejects"),
    [("~3.13", "3.13.15", "3.11.2"), ("^3.11", "3.11.2", "4.0.0"), (">=3.11,<3.12 || 3.13.*", "3.13.15", "3.12.4")],
)
def test_poetry_python_constraint_is_the_last_source(tmp_path, constraint, matches, rejects):
    """A Poetry 1 project names its Python only in [tool.poetry.dependencies]: that picks the version when nothing else does."""
    (tmp_path / "pyproject.toml").write_text(f'[tool.poetry.dependencies]\npython = "{constraint}"\ndjango = "5.2.8"\n')
    request = resolve(tmp_path).request
    assert request.source == "tool.poetry.dependencies.python in pyproject.toml"
    assert request.describe() == constraint
    assert request.matches(matches) and not request.matches(rejects)


def test_requires_python_beats_the_poetry_constraint(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.11"\n[tool.poetry.dependencies]\npython = "~3.13"\n')
    resolution = resolve(tmp_path)
    assert resolution.request.source == "requires-python in pyproject.toml"
    assert [other.source for other in resolution.conflicts("3.11.2")] == ["tool.poetry.dependencies.python in pyproject.toml"]


def test_an_invalid_poetry_python_constraint_is_a_clear_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.poetry.dependencies]\npython = "three"\n')
    with pytest.raises(BuildpackError) as raised:
        resolve(tmp_path)
    assert raised.value.title == "tool.poetry.dependencies.python in pyproject.toml is not a version specifier"
