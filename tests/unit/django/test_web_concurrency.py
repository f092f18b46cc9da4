"""The exec.d program sets WEB_CONCURRENCY from the container's cgroup limits, run with bash against fake trees."""

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "buildpacks/django/django_buildpack/exec.d/web-concurrency"
GIB = 1024**3
V1_NO_LIMIT = "9223372036854771712"
SET_BY = 'WEB_CONCURRENCY_SET_BY = "pycnb/django"'


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def run(tmp_path, cgroup=None, meminfo="MemTotal:       16777216 kB\nMemFree:  1 kB\n", nproc="8", env=None):
    """Runs the script with fd 3 on a file; returns (fd 3 lines, stderr lines). nproc=None keeps the real one."""
    path = os.environ["PATH"]
    if nproc is not None:
        write(tmp_path / "bin", {"nproc": f"#!/bin/sh\necho {nproc}\n"}).joinpath("nproc").chmod(0o755)
        path = f"{tmp_path / 'bin'}:{path}"
    cgroup_root = write(tmp_path / "cgroup", cgroup or {})
    cgroup_root.mkdir(exist_ok=True)
    proc_root = write(tmp_path / "proc", {"meminfo": meminfo} if meminfo is not None else {})
    proc_root.mkdir(exist_ok=True)
    out = tmp_path / "fd3"
    result = subprocess.run(
        ["bash", "-c", 'exec 3>"$1"; exec bash "$2"', "_", str(out), str(SCRIPT)],
        env={"PATH": path, "PYCNB_CGROUP_ROOT": str(cgroup_root), "PYCNB_PROC_ROOT": str(proc_root), **(env or {})},
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return out.read_text().splitlines(), result.stderr.splitlines()


def test_is_an_executable_bash_script():
    assert os.access(SCRIPT, os.X_OK)
    assert SCRIPT.read_text().startswith("#!/usr/bin/env bash\n")


@pytest.mark.parametrize(
    ("cgroup", "workers", "summary"),
    [
        ({"cpu.max": "100000 100000\n", "memory.max": f"{512 * 1024**2}\n"}, 2, "1 CPU, 512 MiB memory, from cgroup v2"),
        ({"cpu.max": "150000 100000\n", "memory.max": f"{2 * GIB}\n"}, 5, "2 CPU, 2048 MiB memory, from cgroup v2"),
        ({"cpu.max": "max 100000\n", "memory.max": f"{4 * GIB}\n"}, 16, "8 CPU, 4096 MiB memory, from cgroup v2"),
        ({"cpu.max": "1600000 100000\n", "memory.max": "max\n"}, 17, "8 CPU, 16384 MiB memory, from cgroup v2"),
        ({"cpu/cpu.cfs_quota_us": "200000\n", "cpu/cpu.cfs_period_us": "100000\n",
          "memory/memory.limit_in_bytes": f"{GIB}\n"}, 4, "2 CPU, 1024 MiB memory, from cgroup v1"),
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n",
          "memory/memory.limit_in_bytes": f"{V1_NO_LIMIT}\n"}, 17, "8 CPU, 16384 MiB memory, from the host"),
        ({"cpu.max": "max 100000\n", "memory.max": "max\n"}, 17, "8 CPU, 16384 MiB memory, from the host"),
        ({}, 17, "8 CPU, 16384 MiB memory, from the host"),
        ({"cpu.max": "100000 100000\n", "memory.max": f"{100 * 1024**2}\n"}, 1, "1 CPU, 100 MiB memory, from cgroup v2"),
    ],
    ids=["v2-limited", "v2-fractional-cpu", "v2-memory-only", "v2-cpu-capped-at-nproc", "v1-limited",
         "v1-unlimited", "v2-unlimited", "no-cgroup", "tiny-memory"],
)
def test_workers_follow_the_limits(tmp_path, cgroup, workers, summary):
    fd3, stderr = run(tmp_path, cgroup)
    assert fd3 == [f'WEB_CONCURRENCY = "{workers}"', SET_BY]
    assert stderr == [f"pycnb: WEB_CONCURRENCY={workers} ({summary})"]


def test_host_fallback_uses_the_real_nproc_and_ignores_openmp_settings(tmp_path):
    cpus = int(subprocess.run(["env", "-u", "OMP_NUM_THREADS", "-u", "OMP_THREAD_LIMIT", "nproc"],
                              capture_output=True, text=True, check=True).stdout)
    meminfo = f"MemTotal:       {64 * 1024 * 1024} kB\n"
    fd3, stderr = run(tmp_path, {"cpu.max": "max 100000\n"}, meminfo=meminfo, nproc=None,
                      env={"OMP_NUM_THREADS": "1", "OMP_THREAD_LIMIT": "1"})
    workers = min(2 * cpus + 1, 256)
    assert fd3 == [f'WEB_CONCURRENCY = "{workers}"', SET_BY]
    assert stderr == [f"pycnb: WEB_CONCURRENCY={workers} ({cpus} CPU, 65536 MiB memory, from the host)"]


def test_a_value_the_user_set_wins(tmp_path):
    fd3, stderr = run(tmp_path, {"cpu.max": "100000 100000\n"}, env={"WEB_CONCURRENCY": "7"})
    assert fd3 == []
    assert stderr == []


def test_an_empty_user_value_is_replaced(tmp_path):
    fd3, _ = run(tmp_path, {"cpu.max": "100000 100000\n", "memory.max": f"{GIB}\n"}, env={"WEB_CONCURRENCY": ""})
    assert fd3 == ['WEB_CONCURRENCY = "3"', SET_BY]


@pytest.mark.parametrize(
    "cgroup",
    [
        {"cpu.max": "banana\n", "memory.max": "lots\n"},
        {"cpu.max": "150000\n", "memory.max": "08\n"},
        {"cpu.max": "0 100000\n", "memory.max": "-5\n"},
        {"cpu.max": "150000 0\n", "memory.max": "99999999999999999999999\n"},
        {"cpu.max": "", "memory.max": "\x00\xff\n", "cpu/cpu.cfs_quota_us": "x", "cpu/cpu.cfs_period_us": "100000",
         "memory/memory.limit_in_bytes": " 1\n"},
    ],
    ids=["words", "one-field-and-octal", "zero-and-negative", "zero-period-and-overflow", "empty-binary-v1"],
)
def test_garbled_files_fall_back_to_the_host(tmp_path, cgroup):
    fd3, stderr = run(tmp_path, cgroup)
    assert fd3 == ['WEB_CONCURRENCY = "17"', SET_BY]
    assert stderr == ["pycnb: WEB_CONCURRENCY=17 (8 CPU, 16384 MiB memory, from the host)"]


def test_garbled_v2_falls_back_to_v1(tmp_path):
    fd3, stderr = run(tmp_path, {"cpu.max": "junk\n", "memory.max": "junk\n", "cpu/cpu.cfs_quota_us": "50000\n",
                                 "cpu/cpu.cfs_period_us": "100000\n", "memory/memory.limit_in_bytes": f"{GIB}\n"})
    assert fd3 == ['WEB_CONCURRENCY = "3"', SET_BY]
    assert stderr == ["pycnb: WEB_CONCURRENCY=3 (1 CPU, 1024 MiB memory, from cgroup v1)"]


def test_unreadable_files_fall_back(tmp_path):
    fd3, _ = run(tmp_path, {"cpu.max/x": "", "memory.max/x": ""})
    assert fd3 == ['WEB_CONCURRENCY = "17"', SET_BY]


@pytest.mark.parametrize(
    ("meminfo", "nproc"),
    [(None, "8"), ("MemTotal: lots kB\n", "8"), ("MemTotal: 16777216 kB\n", "eight")],
    ids=["no-meminfo", "garbled-meminfo", "garbled-nproc"],
)
def test_nothing_readable_writes_nothing_and_still_exits_0(tmp_path, meminfo, nproc):
    fd3, stderr = run(tmp_path, {"cpu.max": "max 100000\n", "memory.max": "max\n"}, meminfo=meminfo, nproc=nproc)
    assert fd3 == []
    assert stderr == []


def test_exits_0_without_fd_3(tmp_path):
    (tmp_path / "meminfo").write_text("MemTotal: 1048576 kB\n")
    env = {"PATH": os.environ["PATH"], "PYCNB_CGROUP_ROOT": str(tmp_path), "PYCNB_PROC_ROOT": str(tmp_path)}
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert "pycnb: WEB_CONCURRENCY" not in result.stderr
