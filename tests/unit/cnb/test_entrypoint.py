import errno
import os

import pytest

from cnb.entrypoint import run
from cnb.errors import BuildpackError, DetectFail


@pytest.fixture(autouse=True)
def lifecycle_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "CNB_BUILDPACK_DIR": tmp_path, "CNB_BUILD_PLAN_PATH": tmp_path / "plan.toml",
        "CNB_LAYERS_DIR": tmp_path, "CNB_BP_PLAN_PATH": tmp_path / "bp-plan.toml",
    }.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.delenv("BP_LOG_LEVEL", raising=False)


def raising(error):
    def phase(context, log):
        raise error
    return phase


def passing(context, log):
    log.step("ok")


def test_detect_pass_and_fail_codes(capsys):
    assert run("detect", "x/y", passing, passing) == 0
    assert run("detect", "x/y", raising(DetectFail()), passing) == 100
    assert "ok" in capsys.readouterr().out


def test_detect_fail_is_quiet(capsys):
    run("detect", "x/y", raising(DetectFail()), passing)
    assert capsys.readouterr() == ("", "")


def test_buildpack_error_is_printed_with_its_exit_code(capsys):
    assert run("build", "x/y", passing, raising(BuildpackError("Broken", "details", ["fix it"]))) == 1
    out = capsys.readouterr().out
    assert "! ERROR: Broken" in out and "!   1. fix it" in out


def test_unexpected_error_is_internal_and_has_no_traceback(capsys):
    assert run("build", "x/y", passing, raising(KeyError("boom"))) == 1
    out = capsys.readouterr().out
    assert "! ERROR: Internal error in x/y during build: KeyError" in out
    assert "Traceback" not in out


def test_traceback_only_with_debug_log_level(capsys, monkeypatch):
    monkeypatch.setenv("BP_LOG_LEVEL", "debug")
    run("build", "x/y", passing, raising(KeyError("boom")))
    assert "Traceback" in capsys.readouterr().out


def test_disk_full_is_a_user_error(capsys):
    assert run("build", "x/y", passing, raising(OSError(errno.ENOSPC, "No space left on device"))) == 1
    out = capsys.readouterr().out
    assert "! ERROR: The build ran out of disk space" in out and "Internal error" not in out


@pytest.mark.parametrize("platform_umask, ours", [(0o000, 0o002), (0o022, 0o022), (0o077, 0o077), (0o020, 0o022)])
def test_the_phase_runs_with_others_write_masked_whatever_the_platform_umask(platform_umask, ours):
    seen = []

    def record(context, log):
        seen.append(os.umask(0o022))

    before = os.umask(platform_umask)
    try:
        assert run("build", "x/y", passing, record) == 0
    finally:
        os.umask(before)
    assert seen == [ours]
