"""The launch layer that gives the app's user its own copies of STATIC_ROOT's files, before the processes
that rewrite them; and its exec.d program, run as root on files another user owns (the kernel's
ownership rules themselves are proven through pack in tests/e2e/test_writable_app.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cnb.layers import Layers
from django_buildpack import replaceable_at_launch

BUILDPACK = Path(__file__).resolve().parents[3] / "buildpacks/django"
IN_CI = os.environ.get("CI", "").lower() == "true"
BUILD_USER = 1001


def test_the_layer_runs_the_program_for_the_processes_that_run_collectstatic_only(tmp_path):
    layers = Layers(tmp_path / "layers")
    ran_for = replaceable_at_launch.write(layers, BUILDPACK, {Path("/workspace/staticfiles"): "STATIC_ROOT"}, ["web", "release", "web"])
    layer = tmp_path / "layers" / replaceable_at_launch.LAYER_NAME
    assert ran_for == ["release", "web"]
    assert sorted(str(path.relative_to(layer)) for path in layer.rglob("*") if path.is_file()) == [
        "exec.d/release/own-replaceable-files", "exec.d/web/own-replaceable-files", "folders.json"]
    assert json.loads((layer / "folders.json").read_text()) == {"folders": {"/workspace/staticfiles": "STATIC_ROOT"}}
    assert os.access(layer / "exec.d" / "web" / replaceable_at_launch.PROGRAM, os.X_OK)
    assert "launch = true" in (tmp_path / "layers" / f"{replaceable_at_launch.LAYER_NAME}.toml").read_text()


def test_without_a_folder_or_a_process_there_is_no_layer_not_even_the_previous_images(tmp_path):
    layers = Layers(tmp_path / "layers")
    replaceable_at_launch.write(layers, BUILDPACK, {Path("/workspace/staticfiles"): "STATIC_ROOT"}, ["web"])
    assert replaceable_at_launch.write(layers, BUILDPACK, {}, ["web"]) == []
    assert list((tmp_path / "layers").iterdir()) == []  # no toml: the lifecycle would otherwise reuse the image's layer
    assert replaceable_at_launch.write(layers, BUILDPACK, {Path("/workspace/staticfiles"): "STATIC_ROOT"}, ["not a name!"]) == []


def run_program(layer: Path) -> subprocess.CompletedProcess:
    program = layer / "exec.d" / "web" / replaceable_at_launch.PROGRAM
    return subprocess.run([sys.executable, "-I", str(program)], capture_output=True, text=True, timeout=60)


@pytest.fixture
def as_root():
    if os.geteuid() != 0:
        if IN_CI:
            pytest.fail("taking over another user's files needs root (CI runs as root)")
        pytest.skip("needs root to make files another user owns (CI=true fails instead)")


def test_the_program_replaces_each_file_of_another_owner_with_its_own_copy(tmp_path, as_root):
    static = tmp_path / "staticfiles"
    (static / "admin" / "css").mkdir(parents=True)
    build_files = [static / "admin" / "css" / "base.css", static / "admin" / "css" / "base.css.gz", static / "staticfiles.json"]
    for number, path in enumerate(build_files):
        path.write_bytes(f"content {number}".encode())
        path.chmod(0o644)
        os.utime(path, (315532801, 315532801))
        os.chown(path, BUILD_USER, BUILD_USER)
    (static / "mine.css").write_text("already the app user's")
    (static / "link.css").symlink_to(static / "staticfiles.json")
    layers = Layers(tmp_path / "layers")
    replaceable_at_launch.write(layers, BUILDPACK, {static: "STATIC_ROOT", tmp_path / "missing": "STATIC_ROOT"}, ["web"])
    result = run_program(tmp_path / "layers" / replaceable_at_launch.LAYER_NAME)
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr == (f"pycnb/django: the app's user took over the 3 files the build wrote in {static} (STATIC_ROOT), "
                             "so that collectstatic can rewrite them\n")
    for number, path in enumerate(build_files):
        info = path.stat()
        assert (info.st_uid, oct(info.st_mode & 0o7777), info.st_mtime, path.read_bytes()) == (
            0, "0o644", 315532801, f"content {number}".encode())
    assert (static / "link.css").is_symlink() and sorted(path.name for path in static.iterdir()) == [
        "admin", "link.css", "mine.css", "staticfiles.json"]  # no copy left behind
    assert run_program(tmp_path / "layers" / replaceable_at_launch.LAYER_NAME).stderr == ""  # a restarted container: nothing to do


def test_the_program_never_stops_the_container(tmp_path):
    layer = tmp_path / "layers" / replaceable_at_launch.LAYER_NAME
    replaceable_at_launch.write(Layers(tmp_path / "layers"), BUILDPACK, {tmp_path: "STATIC_ROOT"}, ["web"])
    (layer / "folders.json").write_text("not json")
    result = run_program(layer)
    assert result.returncode == 0 and result.stderr.startswith("pycnb/django: could not take over the replaceable folders: ")
