"""The Procfile format: one test per clause of buildpacks/procfile/SPEC.md, every error message in full."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cnb.errors import BuildpackError
from procfile_buildpack.procfile import ProcessDefinition, Procfile, parse, read

EXPECTED_FORM = "Write each process as `name: command` on a line of its own, e.g. `web: gunicorn myproject.wsgi`."
COMMENT_HINT = "Start comments with `#`; blank lines are ignored."


def parse_error(data: bytes) -> BuildpackError:
    with pytest.raises(BuildpackError) as raised:
        parse(data)
    return raised.value


def read_error(app_dir: Path) -> BuildpackError:
    with pytest.raises(BuildpackError) as raised:
        read(app_dir)
    return raised.value


def not_a_definition(line_number: int, problem: str, quote: str) -> BuildpackError:
    return BuildpackError(
        f"Invalid Procfile: line {line_number} is not a process definition",
        f"Procfile, line {line_number}: {problem}\n\n{quote}",
        [EXPECTED_FORM, COMMENT_HINT],
    )


# 1. Location

def test_spec_1_reads_the_procfile_in_the_app_root(tmp_path: Path) -> None:
    (tmp_path / "Procfile").write_text("web: gunicorn app:app\n")
    assert read(tmp_path) == Procfile([ProcessDefinition("web", "gunicorn app:app", 1)], [])


def test_spec_1_follows_a_link_that_stays_inside_the_app(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "Procfile.prod").write_text("web: gunicorn app:app\n")
    (tmp_path / "Procfile").symlink_to("deploy/Procfile.prod")
    assert read(tmp_path).processes == [ProcessDefinition("web", "gunicorn app:app", 1)]


@pytest.mark.parametrize("target", ["/etc/passwd", "../outside/Procfile", "inside-link-to-outside"])
def test_spec_1_refuses_a_link_out_of_the_app_without_echoing_it(tmp_path: Path, target: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Procfile").write_text("web: secret-command\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "inside-link-to-outside").symlink_to(outside / "Procfile")
    (app / "Procfile").symlink_to(target)

    error = read_error(app)

    assert error == BuildpackError(
        "The Procfile is a link to a file outside the app",
        "Procfile is a symbolic link whose target is outside the app folder. It is not followed,\n"
        "so no file from outside the app is read into the build.",
        ["Replace the link with a regular file named Procfile, or point it at a file inside the app.", EXPECTED_FORM],
    )
    assert target not in error.details and "secret-command" not in error.details


@pytest.mark.parametrize("kind", ["folder", "broken link", "link loop"])
def test_spec_1_refuses_a_procfile_that_is_not_a_file(tmp_path: Path, kind: str) -> None:
    procfile = tmp_path / "Procfile"
    if kind == "folder":
        procfile.mkdir()
    elif kind == "broken link":
        procfile.symlink_to("missing")
    else:
        procfile.symlink_to("Procfile")

    assert read_error(tmp_path) == BuildpackError(
        "The Procfile is not a file",
        "Procfile in the app root is a folder, a broken link or another special file, not a text file.",
        ["Make Procfile a text file in the app root.", EXPECTED_FORM],
    )


def test_spec_1_reports_a_procfile_it_cannot_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Procfile").write_text("web: x\n")

    def permission_denied(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "read_bytes", permission_denied)

    assert read_error(tmp_path) == BuildpackError(
        "Cannot read the Procfile",
        "Reading Procfile failed: Permission denied.",
        ["Make Procfile readable (e.g. `chmod a+r Procfile`) and build again."],
    )


# 2. Encoding

def test_spec_2_ignores_a_utf8_byte_order_mark_and_keeps_utf8_commands() -> None:
    assert parse("\ufeffweb: echo héllo\n".encode()).processes == [ProcessDefinition("web", "echo héllo", 1)]


def test_spec_2_rejects_bytes_that_are_not_utf8_naming_line_and_column() -> None:
    assert parse_error(b"web: gunicorn app:app\nworker: caf\xe9\n") == BuildpackError(
        "Invalid Procfile: it is not UTF-8 text",
        "Procfile, line 2, column 12: byte 0xe9 is not UTF-8.\n\n    worker: caf\ufffd\n               ^",
        ["Save the Procfile as UTF-8 (Windows editors may have saved it as UTF-16 or a legacy code page).", EXPECTED_FORM],
    )


def test_spec_2_rejects_a_nul_byte_naming_line_and_column() -> None:
    assert parse_error("# comment\r\nweb: a\0b\r\n".encode()) == BuildpackError(
        "Invalid Procfile: it contains a NUL byte",
        "Procfile, line 2, column 7: a NUL byte, which text never holds.\n\n    web: a\u2400b\n          ^",
        ["Save the Procfile as UTF-8 text (UTF-16 files are full of NUL bytes).", EXPECTED_FORM],
    )


def test_spec_2_rejects_a_utf16_file() -> None:
    assert parse_error("web: x\n".encode("utf-16")).title == "Invalid Procfile: it contains a NUL byte"


# 3. Lines

def test_spec_3_crlf_parses_like_lf() -> None:
    lf = b"web: gunicorn app:app\n\n# comment\nworker: celery -A app worker\n"
    crlf = lf.replace(b"\n", b"\r\n")
    assert parse(crlf) == parse(lf) == Procfile(
        [ProcessDefinition("web", "gunicorn app:app", 1), ProcessDefinition("worker", "celery -A app worker", 4)], []
    )


# 4. Blank lines and comments

def test_spec_4_ignores_blank_lines_and_comments_but_not_a_hash_inside_a_command() -> None:
    data = b"# processes\n\n   \t\n   # indented comment\nweb: echo a # not a comment\n"
    assert parse(data).processes == [ProcessDefinition("web", "echo a # not a comment", 5)]


# 5. Process definitions

def test_spec_5_trims_the_name_and_command_and_keeps_later_colons_in_the_command() -> None:
    data = b"  web  :   gunicorn -b 0.0.0.0:$PORT app:app  \nrelease:python manage.py migrate && echo 'done: yes'\n"
    assert parse(data).processes == [
        ProcessDefinition("web", "gunicorn -b 0.0.0.0:$PORT app:app", 1),
        ProcessDefinition("release", "python manage.py migrate && echo 'done: yes'", 2),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            b"web: x\nweb gunicorn app:app\n",
            not_a_definition(2, "expected `:` after the process name `web`.", "    web gunicorn app:app\n       ^"),
            id="missing colon",
        ),
        pytest.param(
            b"worker",
            not_a_definition(1, "expected `:` after the process name `worker`.", "    worker\n          ^"),
            id="name alone",
        ),
        pytest.param(
            b"  : gunicorn app:app\n",
            not_a_definition(1, "the line starts with `:`, so the process has no name.", "      : gunicorn app:app\n      ^"),
            id="missing name",
        ),
        pytest.param(
            b"\tmy web: gunicorn app:app\n",
            not_a_definition(1, "expected `:` after the process name `my`.", "    \tmy web: gunicorn app:app\n    \t  ^"),
            id="space in name",
        ),
        pytest.param(
            "wéb: gunicorn app:app\n".encode(),
            not_a_definition(
                1,
                "'é' cannot be part of a process name (letters, digits, `.`, `_` and `-` only).",
                "    wéb: gunicorn app:app\n     ^",
            ),
            id="character not allowed",
        ),
        pytest.param(
            b"$ gunicorn app:app\n",
            not_a_definition(
                1,
                "'$' cannot be part of a process name (letters, digits, `.`, `_` and `-` only).",
                "    $ gunicorn app:app\n    ^",
            ),
            id="shell prompt",
        ),
    ],
)
def test_spec_5_rejects_a_line_that_is_not_a_definition_with_a_caret(data: bytes, expected: BuildpackError) -> None:
    assert parse_error(data) == expected


# 6. Names

def test_spec_6_accepts_heroku_style_names_without_warnings() -> None:
    parsed = parse(b"web: a\nworker-2: b\n0: c\n")
    assert [process.name for process in parsed.processes] == ["web", "worker-2", "0"]
    assert parsed.warnings == []


def test_spec_6_accepts_other_cnb_names_with_a_warning_that_suggests_a_heroku_name() -> None:
    parsed = parse(b"Web: a\nbg_worker: b\nworker.v2: c\n")
    assert [process.name for process in parsed.processes] == ["Web", "bg_worker", "worker.v2"]
    assert parsed.warnings == [
        (
            f"Unusual process name `{name}` in the Procfile",
            f"Procfile, line {line}: process names are usually lowercase letters, digits and `-`, as on Heroku;\n"
            f"some platforms and tools reject other names. Rename it to `{suggestion}`.",
        )
        for line, name, suggestion in [(1, "Web", "web"), (2, "bg_worker", "bg-worker"), (3, "worker.v2", "worker-v2")]
    ]


# 7. Commands

@pytest.mark.parametrize("line", ["web:", "web:   \t", "  web :"])
def test_spec_7_rejects_an_empty_command(line: str) -> None:
    assert parse_error(f"# comment\n{line}\r\n".encode()) == BuildpackError(
        "Invalid Procfile: the `web` process has no command",
        f"Procfile, line 2: nothing follows `web:`.\n\n    {line}\n    {' ' * len(line.rstrip())}^",
        [EXPECTED_FORM, "Or delete line 2 if the app has no `web` process."],
    )


# 8. Duplicates

def test_spec_8_keeps_the_last_definition_in_its_place_and_warns() -> None:
    parsed = parse(b"web: first\nworker: celery\nweb: second\n")
    assert parsed.processes == [ProcessDefinition("worker", "celery", 2), ProcessDefinition("web", "second", 3)]
    assert parsed.warnings == [
        (
            "Process `web` is defined twice in the Procfile",
            "Procfile, lines 1 and 3 both define `web`; line 3 is used.\nDelete the definition you do not want.",
        )
    ]


# 9. At least one process

@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\r\n  \n", b"# web: gunicorn app:app\n"])
def test_spec_9_rejects_a_procfile_without_processes(data: bytes) -> None:
    assert parse_error(data) == BuildpackError(
        "The Procfile defines no processes",
        "Procfile holds only blank lines and comments.",
        [EXPECTED_FORM, "Or delete the Procfile if another buildpack sets the app's processes."],
    )


# 11. Errors

@pytest.mark.parametrize(
    "data",
    [b":", b"::", b"\xff", b"\x00", b"\r", b"\n:\n", b"a:\x85", b"\xe2\x80\xa8: x", bytes(range(256))],
)
def test_spec_11_any_bad_input_is_a_buildpack_error_showing_the_expected_form(data: bytes) -> None:
    assert EXPECTED_FORM in parse_error(data).fix


# Size

def test_a_10000_line_procfile_parses_well_under_a_second() -> None:
    data = "".join(f"worker-{number}: python worker.py --queue q{number} --bind 0.0.0.0:$PORT\r\n" for number in range(10_000)).encode()

    started = time.perf_counter()
    parsed = parse(data)
    elapsed = time.perf_counter() - started

    assert len(parsed.processes) == 10_000
    assert elapsed < 0.25
