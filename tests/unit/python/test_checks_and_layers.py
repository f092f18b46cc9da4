import pytest

from cnb.errors import BuildpackError
from python_buildpack import checks
from python_buildpack.layers import runtime, venv


def test_forbidden_env_vars_policy():
    # Each of these would install outside the venv or swap the standard library.
    assert set(checks.FORBIDDEN_ENV_VARS) >= {"PIP_TARGET", "PIP_PREFIX", "PYTHONHOME", "VIRTUAL_ENV", "PIP_USER"}


def test_forbidden_env_vars_fail_with_their_names():
    with pytest.raises(BuildpackError) as raised:
        checks.check_environment({"PIP_TARGET": "/tmp/x", "PIP_INDEX_URL": "https://example.com", "PYTHONHOME": "/x"})
    assert "PIP_TARGET, PYTHONHOME" in raised.value.details


def test_runtime_decision_lists_every_change():
    wanted = runtime.RuntimeMetadata("3.13.15", "amd64", "debian", "13", "b" * 64, "/layers/pycnb_python/python")
    cached = {"python_version": "3.13.5", "arch": "arm64", "distro_name": "debian", "distro_version": "13", "sha256": "a" * 64,
              "path": "/other/python"}
    decision = runtime.decide(cached, wanted)
    assert not decision.reuse
    assert decision.reasons == (
        "the Python version changed (3.13.5 to 3.13.15)",
        "the architecture changed (arm64 to amd64)",
        "the runtime archive changed (a new build of Python 3.13.15)",
        "the layer's folder changed (/other/python to /layers/pycnb_python/python)",
    )
    same = {**cached, "python_version": "3.13.15", "arch": "amd64", "sha256": "b" * 64, "path": "/layers/pycnb_python/python"}
    assert runtime.decide(same, wanted).reuse
    assert runtime.decide({}, wanted).summary() == "install: nothing cached"


def test_venv_decision():
    wanted = venv.VenvMetadata(venv.LAYER_SCHEMA, "3.13.15", "r1", "d1", ["gunicorn"])
    same = {"layer_schema": venv.LAYER_SCHEMA, "python_version": "3.13.15", "runtime_sha256": "r1", "requirements_digest": "d1",
            "extra_packages": ["gunicorn"]}
    assert venv.decide(same, wanted).reuse
    assert not venv.decide({}, wanted).cached
    decision = venv.decide({**same, "requirements_digest": "d0", "extra_packages": []}, wanted)
    assert decision.update_in_place
    assert decision.summary() == "update in place: the dependency files changed; the packages other buildpacks asked for changed"
    remade = venv.decide({**same, "python_version": "3.11.2", "requirements_digest": "d0"}, wanted)
    assert not remade.update_in_place
    assert remade.summary() == "install: the Python version changed (3.11.2 to 3.13.15); the dependency files changed"


def test_venv_made_by_another_package_manager_is_made_anew_and_older_metadata_counts_as_pip():
    wanted = venv.VenvMetadata(venv.LAYER_SCHEMA, "3.13.15", "r1", "d1", [], package_manager="uv")
    cached = {"layer_schema": venv.LAYER_SCHEMA, "python_version": "3.13.15", "runtime_sha256": "r1", "requirements_digest": "d1",
              "extra_packages": []}
    assert venv.decide(cached, wanted).summary() == "install: the package manager changed (pip to uv)"
    assert venv.decide(cached, venv.VenvMetadata(venv.LAYER_SCHEMA, "3.13.15", "r1", "d1", [])).reuse


def test_pip_environment_builds_c_extensions_without_debug_info_unless_the_user_says(tmp_path):
    from cnb.layers import Layers
    from cnb.one_file_cache import OneFileCaches

    caches = OneFileCaches(Layers(tmp_path / "layers"), (venv.PIP_CACHE_LAYER_NAME,), scratch=tmp_path / "scratch")
    assert venv.pip_environment(caches, {})["CFLAGS"] == "-g0"
    assert venv.pip_environment(caches, {"CFLAGS": "-O2 -g"})["CFLAGS"] == "-O2 -g"
    assert venv.pip_environment(caches, {})["SOURCE_DATE_EPOCH"] == "315532801"
