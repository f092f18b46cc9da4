"""The runtime benchmark's pure parts: the running order, the harness's output and its parsing,
the summary (best times, ratios, geometric mean, noise), the target and the markdown table."""

import json
import subprocess
import sys

import pytest

from pycnb_tools.bench import report, runtime
from pycnb_tools.errors import StepError

PLAIN_WORKLOADS = [name for name in runtime.WORKLOADS if not name.startswith("django")]


def sample(*seconds, checksum="42"):
    return {"seconds": list(seconds), "checksum": checksum}


def test_every_workload_has_its_script_and_every_script_is_a_workload():
    scripts = {path.stem for path in (runtime.FOLDER / "workloads").glob("*.py")}
    assert scripts == set(runtime.WORKLOADS)


@pytest.mark.parametrize("workload", PLAIN_WORKLOADS)
def test_harness_times_each_standard_library_workload_and_the_parser_reads_it(workload):
    result = subprocess.run([sys.executable, str(runtime.FOLDER / "harness.py"), str(runtime.FOLDER / "workloads" / f"{workload}.py"), "1"],
                            capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": "0"})
    parsed = runtime.parse_harness_output(result.stdout, workload, runtime.OURS)
    assert len(parsed["seconds"]) == 1 and min(parsed["seconds"]) > 0 and len(parsed["wall_seconds"]) == 1
    assert parsed["python"] == ".".join(map(str, sys.version_info[:3]))
    assert set(parsed["flags"]) == {"pgo", "lto", "shared_libpython"}


def test_parser_reads_the_last_line_and_rejects_output_without_times():
    output = 'a warning first\n{"seconds": [0.5, 0.25], "checksum": "7", "python": "3.13.15", "flags": {"pgo": true}}\n'
    assert runtime.parse_harness_output(output, "fib", runtime.OURS) == {"seconds": [0.5, 0.25], "wall_seconds": [], "checksum": "7",
                                                                         "python": "3.13.15", "flags": {"pgo": True}}
    for bad in ("", "Traceback (most recent call last):\n  ...\nImportError: no django", '{"seconds": []}', '{"seconds": [0.1]}',
                '{"seconds": [-1], "checksum": 1, "python": "x"}'):
        with pytest.raises(StepError, match="fib workload on Debian Python did not report its times"):
            runtime.parse_harness_output(bad, "fib", runtime.DEBIAN)


def test_interpreters_alternate_workload_by_workload_and_swap_order_each_repetition():
    order = runtime.interleaved(2, ("fib", "regex"))
    assert order == [(1, "fib", "ours"), (1, "fib", "debian"), (1, "regex", "ours"), (1, "regex", "debian"),
                     (2, "fib", "debian"), (2, "fib", "ours"), (2, "regex", "debian"), (2, "regex", "ours")]


def test_django_pin_is_the_reference_apps():
    assert runtime.django_pin("asgiref==3.13.0\nDjango==5.2.8\ndjango-filter==26.2\n") == "Django==5.2.8"
    assert runtime.django_pin((runtime.ROOT / "benchmarks" / "reference-app" / "requirements.txt").read_text()).startswith("Django==")
    with pytest.raises(StepError, match="does not pin Django"):
        runtime.django_pin("django-filter==26.2\nDjango>=5\n")


def test_summary_takes_the_best_time_and_the_geometric_mean_of_ratios():
    samples = {
        "fib": {"ours": [sample(0.30, 0.24), sample(0.25, 0.26), sample(0.27)], "debian": [sample(0.21, 0.20), sample(0.22)]},
        "regex": {"ours": [sample(0.10)], "debian": [sample(0.125)]},
    }
    interpreters = {"ours": {"python": "3.13.15", "executable": "/opt/pycnb-python/bin/python3",
                             "flags": {"pgo": False, "lto": False, "shared_libpython": False}},
                    "debian": {"python": "3.13.5", "executable": "/usr/bin/python3.13",
                               "flags": {"pgo": True, "lto": True, "shared_libpython": True}}}
    summary = runtime.summarize(samples, interpreters, repetitions=3)
    fib = summary["workloads"]["fib"]
    assert fib["best_seconds"] == {"ours": 0.24, "debian": 0.20}
    assert fib["ratio"] == 1.2
    assert fib["noise"]["ours"] == pytest.approx(0.25 / 0.24 - 1, abs=1e-4)
    assert fib["noise"]["debian"] == pytest.approx(0.21 / 0.20 - 1, abs=1e-4)
    assert summary["workloads"]["regex"]["ratio"] == 0.8
    assert summary["geometric_mean_ratio"] == pytest.approx((1.2 * 0.8) ** 0.5, abs=0.001)
    assert runtime.target(summary)["met"] is True
    markdown = "\n".join(runtime.markdown(summary))
    assert "| fib | 240.0 | 200.0 | 1.200 | 5.0% |" in markdown
    assert "| **geometric mean** | | | **0.980** | |" in markdown
    assert "CPython 3.13.15 (`/opt/pycnb-python/bin/python3`; libpython linked in; sysconfig: no PGO, no LTO)" in markdown
    assert "CPython 3.13.5 (`/usr/bin/python3.13`; shared libpython; sysconfig: PGO, LTO)" in markdown


def test_summary_refuses_workloads_whose_interpreters_did_different_work():
    with pytest.raises(StepError, match="nbody workload returned different results"):
        runtime.summarize({"nbody": {"ours": [sample(0.1, checksum="-0.1690")], "debian": [sample(0.1, checksum="-0.1691")]}}, {},
                          repetitions=1)


def test_target_is_met_up_to_two_percent_slower_and_unmeasured_without_a_run():
    assert runtime.target({"geometric_mean_ratio": 1.02})["met"] is True
    assert runtime.target({"geometric_mean_ratio": 1.021})["met"] is False
    assert runtime.target(None)["met"] is None


def test_runtime_only_results_render_without_scenarios(tmp_path):
    summary = runtime.summarize({"fib": {"ours": [sample(0.23)], "debian": [sample(0.2)]}}, {}, repetitions=1)
    result = {"meta": {"date": "2026-11-30 01:00 UTC", "mode": "runtime only", "repetitions": 1, "machine": "2 CPUs",
                       "versions": {"pycnb": "abc1234"}},
              "runtime": summary, "targets": [runtime.target(summary)]}
    json_path, markdown_path = report.write(result, tmp_path, "run-runtime")
    assert json.loads(json_path.read_text())["runtime"]["geometric_mean_ratio"] == 1.15
    text = markdown_path.read_text()
    assert text.startswith("# Benchmark 2026-11-30 01:00 UTC (runtime only, best of 1)")
    assert "| CPython runtime: ours/Debian's python3.13, geometric mean over the workloads | 1.150 | <= 1.02 | **no** |" in text
    assert "## Wall time" not in text and "Where A's time goes" not in text
