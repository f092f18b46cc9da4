"""Detect and build end to end on a real app folder: the plan, launch.toml and the build log."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest

from cnb.context import BuildContext, DetectContext, Target
from cnb.entrypoint import run
from cnb.errors import BuildpackError, DetectFail
from cnb.log import Logger
from procfile_buildpack.main import build, detect


@pytest.fixture
def app(tmp_path: Path) -> Path:
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    return app_dir


def detect_context(app: Path) -> DetectContext:
    root = app.parent
    return DetectContext(app, root / "buildpack", root / "platform", Target(), {}, build_plan_path=root / "plan.toml")


def build_context(app: Path) -> BuildContext:
    root = app.parent
    (root / "layers").mkdir(exist_ok=True)
    return BuildContext(
        app, root / "buildpack", root / "platform", Target(), {}, layers_dir=root / "layers", buildpack_plan_path=root / "bp-plan.toml"
    )


def run_build(app: Path) -> tuple[dict, str]:
    """launch.toml as TOML and the log text."""
    stream = io.StringIO()
    build(build_context(app), Logger(stream))
    with open(app.parent / "layers" / "launch.toml", "rb") as file:
        return tomllib.load(file), stream.getvalue()


def test_detect_passes_with_a_procfile_and_writes_no_plan(app: Path) -> None:
    (app / "Procfile").write_text("web: gunicorn app:app\n")
    detect(detect_context(app), Logger(io.StringIO()))
    assert not (app.parent / "plan.toml").exists()


def test_detect_passes_for_a_link_out_of_the_app_so_that_build_can_explain(app: Path) -> None:
    (app / "Procfile").symlink_to("/etc/passwd")
    detect(detect_context(app), Logger(io.StringIO()))


def test_detect_fails_without_a_procfile(app: Path) -> None:
    (app / "procfile.txt").write_text("web: gunicorn app:app\n")
    with pytest.raises(DetectFail):
        detect(detect_context(app), Logger(io.StringIO()))
    assert not (app.parent / "plan.toml").exists()


def test_build_writes_bash_processes_with_web_as_default_and_logs_them(app: Path) -> None:
    (app / "Procfile").write_bytes(b"\xef\xbb\xbfworker: celery -A app worker\r\nweb: gunicorn -b 0.0.0.0:$PORT app:app\r\n")

    launch, log = run_build(app)

    assert launch == {
        "processes": [
            {"type": "worker", "command": ["bash", "-c", "celery -A app worker"], "args": [], "default": False},
            {"type": "web", "command": ["bash", "-c", "gunicorn -b 0.0.0.0:$PORT app:app"], "args": [], "default": True},
        ]
    }
    assert log == (
        "\n[pycnb/procfile]\n"
        "\n## Procfile\n\n"
        "- worker: celery -A app worker\n"
        "- web: gunicorn -b 0.0.0.0:$PORT app:app (default)\n"
    )


def test_build_logs_warnings_and_says_when_there_is_no_default(app: Path) -> None:
    (app / "Procfile").write_text("worker: celery\nClock: python clock.py\nworker: celery -A app worker\n")

    launch, log = run_build(app)

    assert [(process["type"], process["default"]) for process in launch["processes"]] == [("Clock", False), ("worker", False)]
    assert log == (
        "\n[pycnb/procfile]\n"
        "\n## Procfile\n\n"
        "- Clock: python clock.py\n"
        "- worker: celery -A app worker\n"
        "  No default process (no `web`, several processes): choose one at launch, e.g. `docker run --entrypoint Clock <image>`.\n"
        "\n! WARNING: Unusual process name `Clock` in the Procfile\n"
        "! Procfile, line 2: process names are usually lowercase letters, digits and `-`, as on Heroku;\n"
        "! some platforms and tools reject other names. Rename it to `clock`.\n"
        "\n"
        "\n! WARNING: Process `worker` is defined twice in the Procfile\n"
        "! Procfile, lines 1 and 3 both define `worker`; line 3 is used.\n"
        "! Delete the definition you do not want.\n"
        "\n"
    )


def test_build_makes_a_single_process_the_default(app: Path) -> None:
    (app / "Procfile").write_text("worker: celery -A app worker\n")
    launch, log = run_build(app)
    assert launch["processes"][0]["default"] is True
    assert "- worker: celery -A app worker (default)\n" in log


def test_build_of_a_bad_procfile_raises_and_writes_no_launch_toml(app: Path) -> None:
    (app / "Procfile").write_text("web gunicorn app:app\n")
    with pytest.raises(BuildpackError, match="line 1 is not a process definition"):
        build(build_context(app), Logger(io.StringIO()))
    assert not (app.parent / "layers" / "launch.toml").exists()


def test_build_through_the_entrypoint_shows_a_message_not_a_traceback(
    app: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (app / "Procfile").symlink_to("/etc/passwd")
    (app.parent / "layers").mkdir()
    monkeypatch.chdir(app)
    monkeypatch.setenv("CNB_BUILDPACK_DIR", str(app.parent / "buildpack"))
    monkeypatch.setenv("CNB_LAYERS_DIR", str(app.parent / "layers"))
    monkeypatch.setenv("CNB_BP_PLAN_PATH", str(app.parent / "bp-plan.toml"))

    exit_code = run("build", "pycnb/procfile", detect, build)

    output = capsys.readouterr().out
    assert exit_code == 1
    assert "! ERROR: The Procfile is a link to a file outside the app\n" in output
    assert "Traceback" not in output and "root:" not in output and "/etc/passwd" not in output
