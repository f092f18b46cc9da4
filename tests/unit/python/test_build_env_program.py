"""pycnb-python-env read-only: a copy of the environment pointed at a copy of the runtime."""

from python_buildpack.build_env_program import point_environment_at, translation_catalog


def test_a_copied_environment_runs_the_copied_runtime(tmp_path):
    installed = tmp_path / "layers" / "python"
    venv = tmp_path / "scratch" / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python3").symlink_to(installed / "bin" / "python3")
    (venv / "bin" / "python").symlink_to("python3")
    (venv / "pyvenv.cfg").write_text(f"home = {installed}/bin\ninclude-system-site-packages = false\n"
                                     f"executable = {installed}/bin/python3.13\n")
    runtime = tmp_path / "scratch" / "python"

    point_environment_at(venv, runtime, installed)

    assert (venv / "bin" / "python3").readlink() == runtime / "bin" / "python3"
    assert (venv / "bin" / "python").readlink().name == "python3"
    assert (venv / "pyvenv.cfg").read_text() == (f"home = {runtime}/bin\ninclude-system-site-packages = false\n"
                                                 f"executable = {runtime}/bin/python3.13\n")


def test_the_build_env_layer_tells_later_buildpacks_which_package_manager_installed_from_which_file(tmp_path):
    from cnb import python_env
    from cnb.layers import Layers
    from python_buildpack.layers import build_env
    from python_buildpack.layers.venv import LAYER_SCHEMA, VenvMetadata

    wanted = VenvMetadata(LAYER_SCHEMA, "3.13.15", "abc", "def", [], package_manager="uv", installer_version="uv 0.13.8")
    build_env.write(Layers(tmp_path), tmp_path / "venv", tmp_path / "python", [], wanted, "uv.lock")
    env_build = tmp_path / build_env.LAYER_NAME / "env.build"
    found = {name: (env_build / f"{name}.override").read_text()
             for name in (python_env.PACKAGE_MANAGER_ENV_VAR, python_env.DEPENDENCY_FILE_ENV_VAR)}
    assert python_env.chosen(found) == ("uv", "uv.lock")


def test_a_read_only_copy_leaves_out_packages_translations_but_not_djangos_own():
    site = "lib/python3.13/site-packages/"
    assert translation_catalog(site + "django/contrib/admin/locale/de/LC_MESSAGES/django.mo")
    assert translation_catalog(site + "django/contrib/admin/locale/de/LC_MESSAGES")
    assert translation_catalog(site + "rest_framework/locale/fr/LC_MESSAGES/django.po")
    assert not translation_catalog(site + "django/conf/locale/de/LC_MESSAGES/django.mo")
    assert not translation_catalog(site + "django/conf/locale/de/formats.py")
    assert not translation_catalog(site + "django/contrib/admin/static/admin/js/core.js")
    assert not translation_catalog("LC_MESSAGES/x.mo")


def test_the_environment_key_is_the_same_for_metadata_read_back_from_the_cache():
    from dataclasses import replace

    from python_buildpack.layers import build_env
    from python_buildpack.layers.venv import VenvMetadata

    wanted = VenvMetadata(2, "3.13.15", "runtime", "digest", [], "pip", "")
    assert build_env.environment_key(replace(wanted, layer_schema=2.0)) == build_env.environment_key(wanted)
