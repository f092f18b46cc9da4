"""`./pycnb test` runs the suite in several processes unless told otherwise."""

import pytest

from pycnb_tools import test_workers
from pycnb_tools.errors import StepError


def test_the_suite_runs_in_three_processes_one_test_file_each_by_default():
    assert test_workers.pytest_options(("tests/",), {}) == ["-n", "3", "--dist", "loadfile"]


def test_one_worker_runs_the_suite_in_this_process():
    assert test_workers.pytest_options((), {"PYCNB_TEST_WORKERS": "1"}) == []


@pytest.mark.parametrize("args", [("-n", "2"), ("-n2",), ("--numprocesses=4",), ("--dist", "load"), ("-p", "no:xdist")])
def test_the_callers_own_xdist_options_win(args):
    assert test_workers.pytest_options(args, {"PYCNB_TEST_WORKERS": "5"}) == []


@pytest.mark.parametrize("value", ["0", "three", "-1"])
def test_a_bad_worker_count_says_what_to_set(value):
    with pytest.raises(StepError, match="PYCNB_TEST_WORKERS") as error:
        test_workers.pytest_options((), {"PYCNB_TEST_WORKERS": value})
    assert "whole number of at least 1" in error.value.fix
