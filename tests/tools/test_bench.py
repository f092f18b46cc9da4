"""The benchmark runner: its pure parts, and a quick run end to end as a smoke test (it checks that
the runner works, that each approach's image holds the change and that both interpreters ran
every runtime workload; the figures are not asserted)."""

import json
import urllib.request

import pytest

from pycnb_tools.bench import approaches, base_images, package_index, poetry_project, report, runner, runtime, scenarios

PACK_LOG = """\
2026/11/21 20:22:30.743370 Warning: Detected pack is running in a container
2026/11/21 20:22:31.581700 ===> ANALYZING
2026/11/21 20:22:31.603497 ===> DETECTING
2026/11/21 20:22:32.346724 ===> RESTORING
2026/11/21 20:22:32.347588 ===> BUILDING
2026/11/21 20:22:32.718778 
## Installing Python

2026/11/21 20:22:34.475705 
## Installing dependencies

2026/11/21 20:22:52.451553   Done (17.7s)
2026/11/21 20:22:54.855924 ===> EXPORTING
2026/11/21 20:23:00.426110 Saving pycnb-bench/try:1...
2026/11/21 20:23:05.608833 Adding cache layer 'pycnb/python:pip-cache'
Adding cache layer 'pycnb/python:python'
2026/11/21 20:23:05.700006 Adding cache layer 'pycnb/python:venv'
2026/11/21 20:23:12.348206 Successfully built image 'pycnb-bench/try:1'
"""


def test_phase_profile_splits_pack_output_at_phases_and_sections():
    phases = approaches.phase_profile(PACK_LOG)
    assert list(phases) == ["pack start-up", "ANALYZING", "DETECTING", "RESTORING", "BUILDING", "Installing Python",
                            "Installing dependencies", "EXPORTING", "export: save image", "export: cache layers"]
    assert phases["Installing dependencies"] == pytest.approx(20.38, abs=0.01)
    assert phases["export: cache layers"] == pytest.approx(6.74, abs=0.01)
    assert sum(phases.values()) == pytest.approx(41.605, abs=0.01)


def test_the_geodjango_variant_adds_gis_to_the_reference_apps_installed_apps(tmp_path):
    app = scenarios.copy_reference_app(tmp_path / "app")
    scenarios.add_geodjango(app)
    assert "    'catalog',\n    'django.contrib.gis',\n]" in (app / "myproject" / "settings.py").read_text()


def test_scenarios_change_the_app_and_put_it_back(tmp_path):
    app = scenarios.copy_reference_app(tmp_path / "app")
    original = (app / "requirements.txt").read_text()
    scenarios.apply(scenarios.CODE_CHANGE, app, 2)
    assert "GREETING = 'catalog ready, revision 2'" in (app / "catalog" / "views.py").read_text()
    scenarios.apply(scenarios.ADD_DEPENDENCY, app, 2)
    assert (app / "requirements.txt").read_text() == original + scenarios.ADDED_DEPENDENCY + "\n"
    scenarios.apply(scenarios.REMOVE_DEPENDENCY, app, 2)
    assert (app / "requirements.txt").read_text() == original


def test_simple_index_lists_every_file_under_its_normalized_project(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    for name in ("Django-5.2.8-py3-none-any.whl", "psycopg2-2.9.13.tar.gz", "django_cors_headers-4.9.0-py3-none-any.whl"):
        (files / name).write_bytes(name.encode())
    package_index.write_simple_index(tmp_path)
    assert sorted(path.name for path in (tmp_path / "simple").iterdir() if path.is_dir()) == ["django", "django-cors-headers", "psycopg2"]
    page = (tmp_path / "simple" / "psycopg2" / "index.html").read_text()
    assert 'href="../../files/psycopg2-2.9.13.tar.gz#sha256=' in page
    with package_index.serve(tmp_path) as url:
        with urllib.request.urlopen(url + "django-cors-headers/") as response:
            assert "django_cors_headers-4.9.0-py3-none-any.whl" in response.read().decode()


def test_summary_gives_medians_ratios_and_targets():
    samples = {
        scenarios.COLD: {"A": [{"wall_seconds": s, "image_bytes": 400e6, "first_200_seconds": 0.5} for s in (30, 40, 35)],
                         "B": [{"wall_seconds": s, "image_bytes": 500e6} for s in (50, 40, 45)],
                         "C": [{"wall_seconds": s} for s in (30, 30, 31)]},
        scenarios.NO_CHANGE: {"A": [{"wall_seconds": 6, "phases": {"EXPORTING": 3.0}}], "B": [{"wall_seconds": 1}]},
    }
    summary = report.summarize(samples)
    assert summary[scenarios.COLD]["median"]["A"]["wall_seconds"] == 35
    assert summary[scenarios.COLD]["ratio"]["A/B"]["wall_seconds"] == pytest.approx(35 / 45, abs=0.001)
    assert summary[scenarios.COLD]["ratio"]["A/C"]["wall_seconds"] == pytest.approx(35 / 30, abs=0.001)
    assert summary[scenarios.NO_CHANGE]["phases_A"] == {"EXPORTING": 3.0}
    goals = {goal["goal"]: goal for goal in report.targets(summary)}
    assert goals["cold: wall time A/B"]["met"] is True
    assert goals["rebuild with no change: A wall time (s)"]["met"] is False
    assert goals["cold: A's overhead over the floor, A/C"]["met"] is False
    assert goals["one dependency added: wall time A/B"]["met"] is None
    assert goals["GeoDjango, no change: G/A wall time"]["met"] is None
    assert goals["CPython runtime: ours/Debian's python3.13, geometric mean over the workloads"]["met"] is None


@pytest.mark.docker
def test_the_poetry_variant_locks_the_reference_apps_pins_and_changes_them_as_a_poetry_user_does(docker_client, tmp_path):
    base_images.ensure(docker_client)
    index = runner._reference_index(docker_client, tmp_path)
    with package_index.serve(index) as url:
        app = scenarios.copy_reference_app(tmp_path / "app")
        poetry_project.convert(docker_client, app, index, url)
        assert not (app / "requirements.txt").exists()
        locked = (app / "poetry.lock").read_text()
        assert locked.count("[[package]]") == 26 and f'url = "{url.rstrip("/")}"' in locked
        poetry_project.apply(docker_client, scenarios.ADD_DEPENDENCY, app, index, 1)
        added = (app / "poetry.lock").read_text()
        assert added.count("[[package]]") == 27 and 'name = "django-extensions"' in added
        poetry_project.apply(docker_client, scenarios.REMOVE_DEPENDENCY, app, index, 1)
        assert (app / "poetry.lock").read_text() == locked


@pytest.mark.docker
def test_quick_run_measures_all_three_approaches_and_both_interpreters(docker_client, builder_image, tmp_path):
    json_path, markdown_path = runner.run(docker_client, repetitions=1, quick=True, output=tmp_path)
    result = json.loads(json_path.read_text())
    assert list(result["scenarios"]) == list(scenarios.QUICK)
    for scenario in scenarios.QUICK:
        medians = result["scenarios"][scenario]["median"]
        assert all(medians[key]["wall_seconds"] > 0 for key in ("A", "B", "C"))
        assert all(medians[key]["image_bytes"] > 0 and medians[key]["first_200_seconds"] > 0 for key in ("A", "B"))
    assert result["meta"]["versions"]["pack"] and len(result["targets"]) == 19
    # Every run reports the stack images' sizes, against their targets.
    assert result["stacks"]["run image"] > 0 and result["stacks"]["build image"] > result["stacks"]["run image"]
    assert {goal["goal"]: goal["met"] for goal in result["targets"]}["run image (MB)"] is not None
    workloads = result["runtime"]["workloads"]
    assert list(workloads) == list(runtime.WORKLOADS)
    assert all(entry["best_seconds"]["ours"] > 0 and entry["best_seconds"]["debian"] > 0 for entry in workloads.values())
    assert result["runtime"]["interpreters"]["debian"]["python"].startswith("3.13.")
    assert result["runtime"]["geometric_mean_ratio"] > 0
    text = markdown_path.read_text()
    assert "| cold |" in text and "| django_request |" in text and "| **geometric mean** |" in text
