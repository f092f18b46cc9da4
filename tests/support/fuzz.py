"""Hypothesis strategies and helpers shared by the fuzz tests of the parsers of user input.

Every fuzz test asserts one property: the parser returns normally or raises our user-facing
`BuildpackError` (or the documented result, e.g. `DetectFail`), never another exception.
Hypothesis runs each test body many times, so folders are made inside the body (`app_dir()`),
not by the function-scoped `tmp_path` fixture, which would be shared by every example.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import strategies as st

# Any text our readers hand to a parser: files are decoded as strict UTF-8 without NUL
# (app_files.read_text), so no NUL and no lone surrogate.
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\0"))
# Any value of an env var: no NUL (execve cannot pass one), and the surrogate escapes U+DC80-U+DCFF
# in which os.environ keeps bytes that are not UTF-8.
ENV_TEXT = st.text(
    st.one_of(st.characters(codec="utf-8", exclude_characters="\0"), st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF))
)
# Fragments users really type, and those that break parsers: long names (longer than a file
# name may be), long digit runs (longer than int() converts), deep nesting, odd whitespace.
LONG = st.sampled_from(["a" * 300, "1" * 4400, "x/" * 2100, "\u00e9" * 200])
WHITESPACE = st.sampled_from([" ", "\t", "  ", "\u00a0", "\u2028", "\x0b", "\x0c", "\r", ""])
UNICODE = st.sampled_from(["é", "\u0663", "\uff13", "\u00b2", "\u200b", "\ufeff", "\U0001f40d"])
NUMBER = st.one_of(st.integers(0, 400).map(str), st.sampled_from(["00", "3", "13", "015", "\u00b2", "\u0663", "\uff13"]), LONG)

# Pieces of requirements lines (pip's requirements file format), right and wrong.
NAMES = st.sampled_from(["Django", "gunicorn", "dj-database-url", "a", "zope.interface", "my_pkg", "-", "_", ".", "1", "django\u0131"])
SPECIFIERS = st.sampled_from(
    ["==5.2.8", ">=5.2,<6", "~=1.0", "===x", "=>5", "==", "!=1.*", "== 1.0 ", "<", "==1.0+local", "@ https://x/y.whl", "@"]
)
MARKERS = st.sampled_from(
    ["; python_version >= '3.11'", ";sys_platform=='linux'", "; extra == 'x'", ";", "; python_version >", ' ; os_name == "nt" and']
)
EXTRAS = st.sampled_from(["[argon2]", "[a,b]", "[", "]", "[]", "[a b]"])
OPTIONS = st.sampled_from(
    [
        "-r", "-c", "-e", "-i", "-f", "--requirement", "--requirement=", "--constraint", "--editable", "--editable=", "--ed", "--e",
        "--hash=sha256:abc", "--index-url", "--extra-index", "--no-binary", ":all:", "--pre", "--install-option=--x", "-", "--", "-x",
        "-r=", "--trusted-host", "-rbase.txt", "-cbase.txt", "-e.", "-e ./lib", "-r base.txt",
    ]
)
PATHS = st.sampled_from(
    [
        ".", "./", "./lib", "lib[extra]", "base.txt", "../outside", "/etc", "/", "~/x", "file:lib", "file:///etc", "file://", "a.whl",
        "x.tar.gz", "sub/", "lib#egg=x", "${HOME}/x", '"base.txt"', "'q",
    ]
)
URLS = st.sampled_from(
    ["https://example.com/a.tar.gz", "git+https://github.com/x/y.git@v1#egg=y", "git+ssh://git@x/y", "http://[", "svn+:", "hg+http://x"]
)
COMMENTS = st.sampled_from(["#", " #", "# comment", " # why", "#\\"])
CONTINUATION = st.sampled_from(["\\", " \\", "\\\n", " \\\n  ", "\\\\"])
LINE_FRAGMENT = st.one_of(NAMES, SPECIFIERS, MARKERS, EXTRAS, OPTIONS, PATHS, URLS, COMMENTS, CONTINUATION, WHITESPACE, UNICODE, LONG)


# Hypothesis warns (an error here) when an example's repr passes 30,000 characters.
MAX_LENGTH = 20_000


def lines_of(fragment: st.SearchStrategy[str], max_lines: int = 8) -> st.SearchStrategy[str]:
    """Several lines built from `fragment`, joined with LF or CRLF."""
    lines = st.tuples(st.lists(fragment, max_size=max_lines), st.sampled_from(["\n", "\r\n"])).map(lambda t: t[1].join(t[0]))
    return lines.filter(lambda text: len(text) < MAX_LENGTH)


def concatenations(*parts: st.SearchStrategy[str], max_size: int = 8) -> st.SearchStrategy[str]:
    """Strings made of up to `max_size` pieces, each drawn from one of `parts`."""
    return st.lists(st.one_of(*parts), max_size=max_size).map("".join).filter(lambda text: len(text) < MAX_LENGTH)


@contextlib.contextmanager
def app_dir() -> Iterator[Path]:
    """A fresh, empty app folder for one example."""
    with tempfile.TemporaryDirectory(prefix="pycnb-fuzz-") as folder:
        yield Path(folder)
