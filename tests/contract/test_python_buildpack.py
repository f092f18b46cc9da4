"""The staged Python buildpack run as the lifecycle runs it, in the build image."""

import json
import re
import stat
import tomllib

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.lifecycle import run_phase

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def staged(builder_image):
    """The builder fixture stages the buildpacks (build/buildpacks) on the way."""
    return builder_image


def test_detect_passes_and_provides_python(docker_client, staged, tmp_path):
    result = run_phase(docker_client, "python", "detect", EXAMPLE_APP, tmp_path)
    assert result.exit_code == 0, result.output
    plan = tomllib.loads(result.plan.read_text())
    assert plan == {"provides": [{"name": "python"}], "requires": [{"name": "python"}]}


def test_detect_fails_quietly_without_requirements(docker_client, staged, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text("print('hi')\n")
    result = run_phase(docker_client, "python", "detect", app, tmp_path / "work")
    assert (result.exit_code, result.output) == (100, "")


def test_bad_version_file_fails_build_with_message_and_no_traceback(docker_client, staged, tmp_path):
    app = copy_app(EXAMPLE_APP, tmp_path / "app", **{".python-version": "3.13\nthree-point-eleven\n"})
    result = run_phase(docker_client, "python", "build", app, tmp_path / "work")
    assert result.exit_code == 1
    assert "! ERROR: Invalid Python version in .python-version" in result.output
    assert "! .python-version, line 2: 'three-point-eleven' is not a Python version." in result.output
    assert "Traceback" not in result.output
    assert list((result.layers / "pycnb_python").iterdir()) == []


def test_build_installs_then_reuses_everything(docker_client, staged, tmp_path, ca_binding):
    app = copy_app(EXAMPLE_APP, tmp_path / "app")
    first = run_phase(docker_client, "python", "build", app, tmp_path / "work", bindings=ca_binding, network="host")
    assert first.exit_code == 0, first.output
    layers = first.layers / "pycnb_python"
    # Launch-only layers (reused from the previous image), each with a one-file copy in the cache.
    runtime = tomllib.loads((layers / "python.toml").read_text())
    assert runtime["types"] == {"build": False, "launch": True, "cache": False}
    assert runtime["metadata"]["python_version"].startswith("3.13.")
    venv = tomllib.loads((layers / "venv.toml").read_text())
    assert venv["types"] == {"build": False, "launch": True, "cache": False}
    assert (layers / "venv" / "env" / "VIRTUAL_ENV.override").read_text() == "/layers/pycnb_python/venv"
    for name in ("python", "venv"):
        copy = tomllib.loads((layers / f"{name}-copy.toml").read_text())
        assert copy["types"] == {"build": False, "launch": False, "cache": True}
        assert [path.name for path in (layers / f"{name}-copy").iterdir() if path.suffix == ".tar"] == ["content.tar"]
        assert copy["metadata"]["archive"]["size"] == (layers / f"{name}-copy" / "content.tar").stat().st_size
    # Later buildpacks get the environment through a build layer.
    build_env = layers / "build-env"
    assert tomllib.loads((layers / "build-env.toml").read_text())["types"] == {"build": True, "launch": False, "cache": False}
    assert (build_env / "env.build" / "VIRTUAL_ENV.override").read_text() == "/layers/pycnb_python/venv"
    assert (build_env / "bin" / "python").stat().st_mode & stat.S_IXUSR
    assert tomllib.loads((layers / "pip-cache.toml").read_text())["types"] == {"build": False, "launch": False, "cache": True}
    assert "Installing dependencies from requirements.txt" in first.output

    second = run_phase(docker_client, "python", "build", app, tmp_path / "work", bindings=ca_binding, network="host")
    assert second.exit_code == 0, second.output
    assert "Using cached Python 3.13." in second.output
    assert "- Using cached virtual environment" in second.output
    assert "  The dependency files, extra packages, installer and runtime are unchanged: no installer runs" in second.output
    assert "Running:" not in second.output


def test_packages_asked_for_in_the_plan_are_installed(docker_client, staged, tmp_path, ca_binding):
    app = copy_app(EXAMPLE_APP, tmp_path / "app")
    plan = '[[entries]]\nname = "python"\n[entries.metadata]\npackages = ["six==1.17.0"]\n'
    result = run_phase(docker_client, "python", "build", app, tmp_path / "work", bindings=ca_binding, network="host", buildpack_plan=plan)
    assert result.exit_code == 0, result.output
    assert "Extra packages     six==1.17.0" in result.output
    assert list((result.layers / "pycnb_python" / "venv").glob("lib/python3.*/site-packages/six-1.17.0.dist-info"))


def test_pip_env_vars_reach_pip_and_credentials_are_masked(docker_client, staged, tmp_path, ca_binding):
    app = copy_app(EXAMPLE_APP, tmp_path / "app")
    env = {"PIP_INDEX_URL": "http://alice:hunter2-secret@127.0.0.1:9/simple", "PIP_RETRIES": "0", "PIP_TIMEOUT": "2"}
    result = run_phase(docker_client, "python", "build", app, tmp_path / "work", env=env, bindings=ca_binding, network="host")
    assert result.exit_code == 1
    assert "alice:****@127.0.0.1:9" in result.output
    assert "hunter2-secret" not in result.output
    assert "! ERROR: Cannot reach the package index http://alice:****@127.0.0.1:9/simple" in result.output


def test_bytecode_is_hash_based_so_layers_are_reproducible(docker_client, staged, tmp_path, ca_binding):
    app = copy_app(EXAMPLE_APP, tmp_path / "app")
    result = run_phase(docker_client, "python", "build", app, tmp_path / "work", bindings=ca_binding, network="host")
    assert result.exit_code == 0, result.output
    site = next((result.layers / "pycnb_python" / "venv").glob("lib/python3.*/site-packages"))
    pyc = next(site.glob("django/__pycache__/__init__.*.pyc"))
    # PEP 552: bit 0 of the flags word (bytes 4-8) marks a hash-based .pyc.
    assert int.from_bytes(pyc.read_bytes()[4:8], "little") & 1
    # pip writes none (PIP_COMPILE=0); every module gets it afterwards, a process per core (bytecode.py).
    tag = pyc.name.split(".")[1]
    without = [source for source in site.rglob("*.py") if not (source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc").is_file()]
    assert without == []
    compiled = re.search(r"^\s*(\d+) modules compiled$", result.output, re.MULTILINE)
    assert compiled and int(compiled.group(1)) == len(list(site.rglob("*.py"))), result.output


def test_embed_certs_puts_the_bundle_in_a_launch_layer(docker_client, staged, tmp_path, ca_binding):
    app = copy_app(EXAMPLE_APP, tmp_path / "app")
    result = run_phase(docker_client, "python", "build", app, tmp_path / "work", env={"BP_EMBED_CERTS": "true"},
                       bindings=ca_binding, network="host")
    assert result.exit_code == 0, result.output
    layer = result.layers / "pycnb_python" / "ca-certificates"
    assert tomllib.loads((layer.parent / "ca-certificates.toml").read_text())["types"] == {"build": False, "launch": True, "cache": False}
    assert (layer / "env.launch" / "SSL_CERT_FILE.override").read_text() == "/layers/pycnb_python/ca-certificates/ca-certificates.crt"
    assert "BEGIN CERTIFICATE" in (layer / "ca-certificates.crt").read_text()


def test_a_failed_install_leaves_no_layer_a_later_build_trusts(docker_client, staged, tmp_path, ca_binding):
    app = copy_app(EXAMPLE_APP, tmp_path / "app")
    work = tmp_path / "work"
    assert run_phase(docker_client, "python", "build", app, work, bindings=ca_binding, network="host").exit_code == 0
    good = (app / "requirements.txt").read_text()
    (app / "requirements.txt").write_text(good + "pycnb-no-such-package-x9==1.0\n")
    failed = run_phase(docker_client, "python", "build", app, work, bindings=ca_binding, network="host")
    assert failed.exit_code == 1 and "! ERROR: No package matches pycnb-no-such-package-x9==1.0" in failed.output
    assert not (work / "layers" / "pycnb_python" / "venv.toml").exists()
    (app / "requirements.txt").write_text(good)
    again = run_phase(docker_client, "python", "build", app, work, bindings=ca_binding, network="host")
    assert again.exit_code == 0, again.output
    # The failed update worked on an unpacked copy: the copy in the cache is the last good environment.
    assert "- Using cached virtual environment from the build cache" in again.output, again.output
    assert "no installer runs" in again.output


@pytest.mark.parametrize(("env", "app_folder_mode"), [({}, 0o1777), ({"BP_APP_READ_ONLY": "true"}, None)], ids=["default", "read-only"])
def test_layers_and_app_are_not_world_writable_even_when_the_platform_umask_is_000(docker_client, staged, tmp_path, ca_binding, env,
                                                                                    app_folder_mode):
    """Only the app folder itself takes new files by default, sticky like /tmp; with BP_APP_READ_ONLY nothing does."""
    app = copy_app(EXAMPLE_APP, tmp_path / "app")
    app.chmod(0o777)  # as pack gives it
    result = run_phase(docker_client, "python", "build", app, tmp_path / "work", env=env, bindings=ca_binding, network="host", umask="000")
    assert result.exit_code == 0, result.output
    writable = []
    for root in (result.layers / "pycnb_python", app):
        for path in [root, *root.rglob("*")]:
            info = path.lstat()
            if not stat.S_ISLNK(info.st_mode) and info.st_mode & stat.S_IWOTH:
                writable.append((str(path), stat.S_IMODE(info.st_mode)))
    assert writable == ([(str(app), app_folder_mode)] if app_folder_mode else []), writable[:20]


@pytest.mark.parametrize("text", ["", "# no dependencies yet\n\n"])
def test_empty_requirements_build_with_a_warning_and_install_nothing(docker_client, staged, tmp_path, text):
    app = tmp_path / "app"
    app.mkdir()
    (app / "requirements.txt").write_text(text)
    (app / "Procfile").write_text("web: python -m http.server $PORT\n")
    result = run_phase(docker_client, "python", "build", app, tmp_path / "work")
    assert result.exit_code == 0, result.output
    assert "! WARNING: requirements.txt lists no packages" in result.output
    assert "If that was a mistake, list the app's dependencies in requirements.txt" in result.output
    layers = result.layers / "pycnb_python"
    assert (layers / "venv" / "bin" / "python").is_symlink()
    assert tomllib.loads((layers / "venv.toml").read_text())["types"]["launch"] is True


def test_requirements_txt_linked_into_a_subfolder_is_installed(docker_client, staged, tmp_path, ca_binding):
    app = tmp_path / "app"
    (app / "backend").mkdir(parents=True)
    (app / "backend" / "requirements.txt").write_text("six==1.17.0\n")
    (app / "requirements.txt").symlink_to("backend/requirements.txt")
    result = run_phase(docker_client, "python", "build", app, tmp_path / "work", bindings=ca_binding, network="host")
    assert result.exit_code == 0, result.output
    assert "Successfully installed six-1.17.0" in result.output


# Package managers: detect passes on every Python app file, so that build can say what to do.

PYTHON_APP_FILES = ["requirements.txt", "requirements.in", "uv.lock", "poetry.lock", "Pipfile.lock", "pyproject.toml",
                    "setup.py", "setup.cfg", "Pipfile", "pdm.lock", "requirments.txt", ".venv/pyvenv.cfg"]


def test_detect_passes_on_every_python_app_file(docker_client, staged, tmp_path):
    for name in PYTHON_APP_FILES:
        app = tmp_path / name.replace("/", "-") / "app"
        (app / name).parent.mkdir(parents=True)
        (app / name).write_text("")
        result = run_phase(docker_client, "python", "detect", app, tmp_path / name.replace("/", "-") / "work")
        assert (name, result.exit_code) == (name, 0), result.output


def test_pyproject_dependencies_without_a_lock_are_installed_by_pip_and_reused(docker_client, staged, tmp_path, ca_binding):
    app = tmp_path / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text("[project]\nname = 'app'\nversion = '1.0'\ndependencies = ['six==1.17.0']\n")
    work = tmp_path / "work"
    first = run_phase(docker_client, "python", "build", app, work, bindings=ca_binding, network="host")
    assert first.exit_code == 0, first.output
    assert "Package manager    pip (from pyproject.toml)" in first.output
    assert "! WARNING: The dependencies in pyproject.toml are not locked" in first.output
    assert "Installing dependencies from pyproject.toml" in first.output
    assert "Successfully installed six-1.17.0" in first.output
    second = run_phase(docker_client, "python", "build", app, work, bindings=ca_binding, network="host")
    assert second.exit_code == 0, second.output
    assert "no installer runs" in second.output


# Pipenv: Pipfile.lock installed with pipenv sync, reused while unchanged; a stale lock fails before any layer.

PIPENV_PIPFILE = "[packages]\nsix = '==1.17.0'\n"


def _pipenv_app(path, pipfile=PIPENV_PIPFILE):
    from python_buildpack.package_managers import pipenv

    path.mkdir()
    (path / "Pipfile").write_text(pipfile)
    lock = {
        "_meta": {"hash": {"sha256": pipenv.pipfile_hash(PIPENV_PIPFILE)}, "pipfile-spec": 6, "requires": {},
                  "sources": pipenv.DEFAULT_SOURCES},
        "default": {"six": {"hashes": ["sha256:4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274",
                                       "sha256:ff70335d468e7eb6ec65b95b99d3a2836546063f63acc5171de367e834932a81"],
                            "index": "pypi", "version": "==1.17.0"}},
        "develop": {"iniconfig": {"hashes": ["sha256:" + "0" * 64], "index": "pypi", "version": "==2.1.0"}},
    }
    (path / "Pipfile.lock").write_text(json.dumps(lock, indent=4) + "\n")
    return path


def test_a_pipfile_lock_is_installed_with_pipenv_and_reused(docker_client, staged, tmp_path, ca_binding):
    app = _pipenv_app(tmp_path / "app")
    work = tmp_path / "work"
    first = run_phase(docker_client, "python", "build", app, work, bindings=ca_binding, network="host")
    assert first.exit_code == 0, first.output
    assert "Package manager    Pipenv (from Pipfile.lock)" in first.output
    assert "Installing dependencies from Pipfile.lock with pipenv sync" in first.output
    site = next((first.layers / "pycnb_python" / "venv" / "lib").glob("python*/site-packages"))
    installed = sorted(path.name for path in site.glob("*.dist-info"))
    assert installed == ["six-1.17.0.dist-info"]  # develop's iniconfig (with a hash nothing matches) is never installed
    assert sorted(path.name for path in app.iterdir()) == ["Pipfile", "Pipfile.lock"]  # nothing written into the app
    second = run_phase(docker_client, "python", "build", app, work, bindings=ca_binding, network="host")
    assert second.exit_code == 0, second.output
    assert "no installer runs" in second.output
    assert "Installing dependencies from Pipfile.lock with pipenv sync" not in second.output


def test_a_stale_pipfile_lock_fails_build_before_any_layer(docker_client, staged, tmp_path):
    app = _pipenv_app(tmp_path / "app", PIPENV_PIPFILE + "gunicorn = '*'\n")
    result = run_phase(docker_client, "python", "build", app, tmp_path / "work")
    assert result.exit_code == 1, result.output
    assert "! ERROR: Pipfile.lock is out of date" in result.output
    assert "Run `pipenv lock` in the app and commit Pipfile.lock with the Pipfile." in result.output
    assert "Traceback" not in result.output
    assert list((result.layers / "pycnb_python").iterdir()) == []
