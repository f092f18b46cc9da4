"""Each requirements line is checked as pip reads it, before anything is downloaded."""

import time

import pytest

from cnb.errors import BuildpackError
from python_buildpack import requirement_lines


def check(app, text):
    requirement_lines.check(text, "requirements.txt", app)


@pytest.mark.parametrize("text", [
    "Django==5.2.8\n", "django[argon2]>=5.2,<6 ; python_version >= '3.11'\n",
    "gunicorn==23.0.0 --hash=sha256:abc \\\n    --hash=sha256:def\n",
    "-i https://pypi.org/simple\n--extra-index-url=https://x/simple\n--no-index\n-f ./wheels\n--only-binary :all:\n--pre\n",
    "--require-hashes\n--trusted-host example.com\n--use-feature truststore\n--prefer-binary\n",
    "--extra-index https://x/simple\n",  # optparse takes a unique prefix of a long option
    "-r base.txt\n-c constraints.txt\n--requirement=base.txt\n",
    "mypkg @ https://example.com/mypkg-1.0.tar.gz\n", "git+https://github.com/pallets/flask.git@3.1.0#egg=flask\n",
    "https://example.com/mypkg-1.0.tar.gz\n", "Django==${DJANGO_VERSION}\n",
    "# comment\nDjango  # why we pin\n\n", "-e git+https://github.com/pallets/flask.git#egg=flask\n",
])
def test_what_pip_accepts_passes(tmp_path, text):
    check(tmp_path, text)


def test_local_paths_in_the_app_pass(tmp_path):
    (tmp_path / "libs" / "mylib").mkdir(parents=True)
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / "a-1.0-py3-none-any.whl").write_bytes(b"")
    check(tmp_path, "-e ./libs/mylib\n--editable=libs/mylib\n./libs/mylib[extra]\nwheels/a-1.0-py3-none-any.whl\n-e.\n")


@pytest.mark.parametrize(("text", "title", "details"), [
    ("gunicorn\nDjango=>5.2\n", "requirements.txt has a line pip cannot read",
     "requirements.txt, line 2: 'Django=>5.2' is not a requirement:"),
    ("Django[argon2==5.2.8\n", "requirements.txt has a line pip cannot read",
     "requirements.txt, line 1: 'Django[argon2==5.2.8' is not a requirement:"),
    ("Django \\\n  ==>5.2\n", "requirements.txt has a line pip cannot read", "requirements.txt, line 1:"),
    ("--no-such-option\n", "requirements.txt has an option pip does not know",
     "requirements.txt, line 1: pip does not know the option --no-such-option"),
    ("--e https://x\n", "requirements.txt has an option pip does not know", "requirements.txt, line 1: pip does not know the option --e"),
    ("Django==5.2.8 --install-option=--x\n", "requirements.txt has an option pip does not know",
     "pip does not know the option --install-option"),
    ("-e ./libs/mylib\n", "A requirements line names a folder that is not in the app",
     "'-e ./libs/mylib' names ./libs/mylib, which is not in the app."),
    ("-e ../shared\n", "A requirements line installs a folder outside the app", "requirements.txt, line 1: '-e ../shared'"),
    ("/opt/wheels/lib\n", "A requirements line installs a folder outside the app", "requirements.txt, line 1: '/opt/wheels/lib'"),
    ("file:///opt/lib\n", "A requirements line installs a folder outside the app", "requirements.txt, line 1: 'file:///opt/lib'"),
    # Found by the fuzz tests: names longer than the system looks up gave an OSError traceback.
    ("./" + "a" * 300 + "\n", "A requirements line names a folder that is not in the app", "requirements.txt, line 1:"),
    ("-e ./" + "a" * 300 + "\n", "A requirements line names a folder that is not in the app", "requirements.txt, line 1:"),
])
def test_what_pip_refuses_names_the_file_and_line(tmp_path, text, title, details):
    with pytest.raises(BuildpackError) as raised:
        check(tmp_path, text)
    assert raised.value.title == title
    assert details in raised.value.details


def test_a_long_run_of_spaces_is_read_in_linear_time():
    # Found while fuzzing: the comment pattern backtracked over every space (40,000 took 9 seconds).
    started = time.monotonic()
    assert requirement_lines.logical_lines(" " * 100_000 + "Django  # the framework\n" + "\t" * 100_000 + "x") == [(1, "Django"), (2, "x")]
    assert time.monotonic() - started < 2
