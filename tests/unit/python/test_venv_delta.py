"""The venv-delta layer: when a delta applies, what the skeleton holds, and that the hook makes it importable."""

import json
import shutil
import subprocess
import sys
from dataclasses import asdict

from cnb import archive
from cnb.layers import Layers
from cnb.reuse import How, ReusableLayer
from python_buildpack.layers import venv_delta
from python_buildpack.layers.venv import LAYER_SCHEMA, VenvMetadata

BASE = asdict(VenvMetadata(LAYER_SCHEMA, "3.13.15", "runtime", "digest-1", [], "pip", ""))
WANTED = {**BASE, "requirements_digest": "digest-2"}
LINES = ["Django==5.2.8", "gunicorn==23.0.0"]


def test_lines_leave_out_comments_blanks_and_repeats_and_name_extra_packages():
    text = "# pinned\nDjango==5.2.8  # web\n\ngunicorn==23.0.0\nDjango==5.2.8\n"
    assert venv_delta.requirement_lines([text], ["psycopg[binary]"]) == [
        "Django==5.2.8", "gunicorn==23.0.0", "(asked by a buildpack) psycopg[binary]"]


def test_added_lines_make_a_delta_on_the_kept_environment(tmp_path):
    plan = venv_delta.plan(Layers(tmp_path), BASE, LINES, WANTED, [*LINES, "django-extensions==4.1"])
    assert plan is not None and plan.decision.how is How.INSTALL
    assert plan.decision.cache.reasons == ("added: django-extensions==4.1",)
    assert plan.wanted == venv_delta.DeltaMetadata(BASE, WANTED)


def test_no_delta_when_the_lines_are_the_bases_or_a_line_went_or_changed(tmp_path):
    layers = Layers(tmp_path)
    assert venv_delta.plan(layers, BASE, LINES, WANTED, LINES) is None
    assert venv_delta.plan(layers, BASE, LINES, WANTED, ["Django==5.2.8", "django-extensions==4.1"]) is None
    assert venv_delta.plan(layers, BASE, LINES, WANTED, ["Django==5.2.9", "gunicorn==23.0.0", "django-extensions==4.1"]) is None


def test_no_delta_when_more_than_the_dependencies_changed_or_nothing_is_known_of_the_base(tmp_path):
    layers, added = Layers(tmp_path), [*LINES, "django-extensions==4.1"]
    assert venv_delta.plan(layers, BASE, LINES, {**WANTED, "runtime_sha256": "rebuilt"}, added) is None
    assert venv_delta.plan(layers, BASE, LINES, {**WANTED, "installer_version": "uv 0.9"}, added) is None
    assert venv_delta.plan(layers, BASE, None, WANTED, added) is None  # a base cached before lines were recorded
    assert venv_delta.plan(layers, BASE, LINES, WANTED, None) is None  # inputs a delta cannot follow


def test_the_same_delta_again_is_reused_from_its_copy(tmp_path):
    layers = Layers(tmp_path)
    delta = ReusableLayer(layers, venv_delta.LAYER_NAME)
    delta.reset()
    (delta.path / "lib").mkdir()
    metadata = asdict(venv_delta.DeltaMetadata(BASE, WANTED))
    delta.commit(metadata)
    (delta.copy.path / venv_delta.COMPONENTS_FILE).write_text("[]")
    # The next build: the restorer hands back the copy and the image layer's metadata (no folder).
    shutil.rmtree(delta.path)

    plan = venv_delta.plan(layers, BASE, LINES, WANTED, [*LINES, "django-extensions==4.1"])
    assert plan is not None and plan.decision.how is How.KEEP
    # Any other change to the lines makes it anew, on the same base.
    plan = venv_delta.plan(layers, BASE, LINES, {**WANTED, "requirements_digest": "digest-3"}, [*LINES, "django-extensions==4.2"])
    assert plan is not None and plan.decision.how is How.INSTALL


def _venv_with_a_distribution(root):
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    (site / "basepkg.py").write_text("NAME = 'base'\n")
    (site / "basepkg-1.0.dist-info").mkdir()
    (site / "basepkg-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: basepkg\nVersion: 1.0\n")
    venv_delta.write_hook(venv)
    return venv, site


def test_the_skeleton_holds_what_an_installer_reads_and_no_code(tmp_path):
    venv, _ = _venv_with_a_distribution(tmp_path / "image")
    layer = ReusableLayer(Layers(tmp_path / "layers"), "venv")
    layer.copy.reset()
    archive.pack(venv, layer.archive)

    venv_delta.unpack_skeleton(layer)

    found = sorted(str(path.relative_to(layer.path)) for path in layer.path.rglob("*") if not path.is_dir())
    site = next(layer.path.glob("lib/python*/site-packages")).relative_to(layer.path)
    assert f"{site}/basepkg-1.0.dist-info/METADATA" in found
    assert f"{site}/{venv_delta.HOOK_FILE}" in found
    assert "pyvenv.cfg" in found and "bin/python" in found
    assert f"{site}/basepkg.py" not in found


def test_the_hook_adds_the_delta_beside_the_environment_after_its_own_packages(tmp_path):
    venv, site = _venv_with_a_distribution(tmp_path)
    python = venv / "bin" / "python"
    script = "import importlib.metadata as m, json, basepkg; print(json.dumps(sorted(d.metadata['Name'] for d in m.distributions())))"
    # No delta yet: the hook adds nothing and breaks nothing.
    assert json.loads(subprocess.run([python, "-c", script], capture_output=True, text=True, check=True).stdout) == ["basepkg"]

    delta_site = tmp_path / venv_delta.LAYER_NAME / site.relative_to(venv)
    (delta_site / "added-2.0.dist-info").mkdir(parents=True)
    (delta_site / "added-2.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: added\nVersion: 2.0\n")
    (delta_site / "added.py").write_text("NAME = 'added'\n")
    result = subprocess.run([python, "-c", script + "; import added, sys; print(sys.path.index(str(added.__file__.rsplit('/', 1)[0])) > "
                             f"sys.path.index({str(site)!r}))"], capture_output=True, text=True, check=True)
    names, after_base = result.stdout.splitlines()
    assert json.loads(names) == ["added", "basepkg"]
    assert after_base == "True"
    assert venv_delta.installed_names(tmp_path / venv_delta.LAYER_NAME) == {"added"}


def test_a_delta_that_replaces_a_base_distribution_or_outgrows_the_base_is_folded(tmp_path):
    delta = tmp_path / venv_delta.LAYER_NAME
    (delta / "lib/python3.13/site-packages/Django-5.2.9.dist-info").mkdir(parents=True)
    (delta / "lib/python3.13/site-packages/big.bin").write_bytes(b"x" * 1000)
    assert "django" in venv_delta.why_fold(delta, {"django", "gunicorn"}, 10**6)
    assert "more than 50%" in venv_delta.why_fold(delta, {"gunicorn"}, 1000)
    assert venv_delta.why_fold(delta, {"gunicorn"}, 10**6) == ""


def _environment(root):
    site = root / "lib" / "python3.13" / "site-packages"
    (site / "django-5.2.8.dist-info").mkdir(parents=True)
    (site / "django-5.2.8.dist-info" / "METADATA").write_text("Name: Django\n")
    (root / "bin").mkdir()
    (root / "bin" / "python").symlink_to("/usr/bin/python3")
    return site


def test_what_an_installer_added_in_place_moves_into_the_delta_and_the_environment_is_as_before(tmp_path):
    venv, prefix = tmp_path / "venv", tmp_path / "venv-delta"
    site = _environment(venv)
    before = venv_delta.files_of(venv)
    # What `poetry install` writes for one new package: its code, metadata, an empty folder and a script.
    (site / "slugify" / "__pycache__").mkdir(parents=True)
    (site / "slugify" / "__init__.py").write_text("")
    (site / "slugify" / "data").mkdir()
    (site / "python_slugify-8.0.4.dist-info").mkdir()
    (site / "python_slugify-8.0.4.dist-info" / "RECORD").write_text("slugify/__init__.py,,\n")
    (venv / "bin" / "slugify").write_text("#!/layers/venv/bin/python\n")
    assert venv_delta.move_new_files(venv, prefix, before) == ""
    assert venv_delta.files_of(venv) == before
    delta_site = prefix / "lib" / "python3.13" / "site-packages"
    assert (delta_site / "slugify" / "__init__.py").is_file() and (delta_site / "slugify" / "data").is_dir()
    assert (delta_site / "slugify" / "__pycache__").is_dir() and (prefix / "bin" / "slugify").is_file()
    assert (delta_site / "python_slugify-8.0.4.dist-info" / "RECORD").is_file()


def test_an_installer_that_changed_or_removed_what_the_environment_had_folds_the_delta(tmp_path):
    venv, prefix = tmp_path / "venv", tmp_path / "venv-delta"
    site = _environment(venv)
    before = venv_delta.files_of(venv)
    (site / "django-5.2.8.dist-info" / "METADATA").write_text("Name: Django\nVersion: 5.2.8\n")
    assert "django-5.2.8.dist-info/METADATA" in venv_delta.move_new_files(venv, prefix, before)
    shutil.rmtree(site / "django-5.2.8.dist-info")
    assert "the installer changed files the environment has" in venv_delta.move_new_files(venv, prefix, before)


def test_the_added_distributions_name_the_top_level_modules_they_install_and_their_pth_files(tmp_path):
    site = tmp_path / "venv-delta" / "lib" / "python3.13" / "site-packages"
    info = site / "django_extensions-4.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: django-extensions\nVersion: 4.1\n\nLong description.\n")
    (info / "RECORD").write_text("django_extensions/__init__.py,sha256=x,10\ndjango_extensions/__pycache__/__init__.cpython-313.pyc,,\n"
                                 "six.py,sha256=y,5\n_speedups.cpython-313-x86_64-linux-gnu.so,,\n"
                                 "django_extensions-4.1.dist-info/RECORD,,\n../../../bin/shell_plus,sha256=z,3\n")
    hooked = site / "coverage_hook-1.0.dist-info"
    hooked.mkdir()
    (hooked / "METADATA").write_text("Name: Coverage_Hook\nVersion: 1.0\n")
    (hooked / "RECORD").write_text("coverage_hook.pth,,\ncoverage_hook/__init__.py,,\n")
    assert venv_delta.added_distributions(tmp_path / "venv-delta") == [
        {"name": "coverage-hook", "version": "1.0", "top_level": ["coverage_hook"], "pth": True},
        {"name": "django-extensions", "version": "4.1", "top_level": ["_speedups", "django_extensions", "six"], "pth": False},
    ]
