"""Every message the Apt buildpack shows a user: what happened, what was found, how to fix it."""

from __future__ import annotations

from cnb.errors import BuildpackError

EXPECTED_FORM = "Write one Debian package name a line, e.g. `libmagic1`; start comments with `#`."
SEARCH = "Find the package's trixie name at https://packages.debian.org/trixie/ (search the package names)."

Warning = tuple[str, str]


def _quote(line: str, column: int) -> str:
    """The line, indented, with a caret under `column`; tabs are kept so the caret lines up, NUL bytes made visible."""
    shown = line.replace("\0", "\u2400")
    pointer = "".join("\t" if char == "\t" else " " for char in line[:column])
    return f"    {shown}\n    {pointer}^"


def _where(line_number: int) -> str:
    return f"Aptfile, line {line_number}" if line_number else "The build plan (a package another buildpack asked for)"


# Reading the Aptfile

def aptfile_outside_app() -> BuildpackError:
    return BuildpackError(
        "The Aptfile is a link to a file outside the app",
        "Aptfile is a symbolic link whose target is outside the app folder. It is not followed,\n"
        "so no file from outside the app is read into the build.",
        ["Replace the link with a regular file named Aptfile, or point it at a file inside the app.", EXPECTED_FORM],
    )


def aptfile_not_a_file() -> BuildpackError:
    return BuildpackError(
        "The Aptfile is not a file",
        "Aptfile in the app root is a folder, a broken link or another special file, not a text file.",
        ["Make Aptfile a text file in the app root.", EXPECTED_FORM],
    )


def aptfile_unreadable(reason: str) -> BuildpackError:
    return BuildpackError(
        "Cannot read the Aptfile",
        f"Reading Aptfile failed: {reason}.",
        ["Make Aptfile readable (e.g. `chmod a+r Aptfile`) and build again."],
    )


def aptfile_too_large(size: int, limit: int) -> BuildpackError:
    return BuildpackError(
        "The Aptfile is too large",
        f"Aptfile holds {size} bytes; an Aptfile may hold at most {limit} bytes ({limit // 1024} KiB).",
        ["List only the Debian packages the app needs, one a line: a real Aptfile is a few lines.",
         "If a tool generated it, check that the right file was committed as Aptfile."],
    )


def not_utf8(line_number: int, line: str, column: int, byte: int) -> BuildpackError:
    return BuildpackError(
        "Invalid Aptfile: it is not UTF-8 text",
        f"Aptfile, line {line_number}, column {column + 1}: byte 0x{byte:02x} is not UTF-8.\n\n{_quote(line, column)}",
        ["Save the Aptfile as UTF-8 (Windows editors may have saved it as UTF-16 or a legacy code page).", EXPECTED_FORM],
    )


def nul_byte(line_number: int, line: str, column: int) -> BuildpackError:
    return BuildpackError(
        "Invalid Aptfile: it contains a NUL byte",
        f"Aptfile, line {line_number}, column {column + 1}: a NUL byte, which text never holds.\n\n{_quote(line, column)}",
        ["Save the Aptfile as UTF-8 text (UTF-16 files are full of NUL bytes).", EXPECTED_FORM],
    )


# Parsing

def option_line(line_number: int, line: str, column: int) -> BuildpackError:
    return BuildpackError(
        f"Invalid Aptfile: line {line_number} is an option, not a package",
        f"Aptfile, line {line_number}: a line starting with `-` is an apt-get option. pycnb runs no apt-get:\n"
        f"each line names a package, nothing else.\n\n{_quote(line, column)}",
        [f"Delete line {line_number}, or replace it with the name of a package.", EXPECTED_FORM],
    )


def url_line(line_number: int, line: str, column: int) -> BuildpackError:
    return BuildpackError(
        f"Invalid Aptfile: line {line_number} is a URL",
        f"Aptfile, line {line_number}: packages come from the stack's Debian suite (trixie) only, checked against\n"
        f"its signed index; a .deb from elsewhere is not installed.\n\n{_quote(line, column)}",
        ["Name the trixie package instead of the URL.", SEARCH],
    )


def shell_characters(line_number: int, line: str, column: int, character: str) -> BuildpackError:
    return BuildpackError(
        f"Invalid Aptfile: line {line_number} holds the shell character {character!r}",
        f"Aptfile, line {line_number}: nothing in the Aptfile runs through a shell, so {character!r} cannot be part\n"
        f"of a package name.\n\n{_quote(line, column)}",
        [EXPECTED_FORM, "Commands (`apt-get install ...`, `&&`, `$(...)`) are not run: list the package names only."],
    )


def several_words(line_number: int, line: str, column: int, words: list[str]) -> BuildpackError:
    return BuildpackError(
        f"Invalid Aptfile: line {line_number} holds more than one word",
        f"Aptfile, line {line_number}: {len(words)} words; each line names one package.\n\n{_quote(line, column)}",
        ["Put each package on a line of its own: " + ", ".join(f"`{word}`" for word in words[:4]) + ".", EXPECTED_FORM],
    )


def other_suite(line_number: int, line: str, column: int, name: str, suite: str, stack_suite: str) -> BuildpackError:
    return BuildpackError(
        f"Invalid Aptfile: {name}/{suite} is not from the stack's suite",
        f"Aptfile, line {line_number}: the stack is Debian {stack_suite}, and packages come from {stack_suite} only;\n"
        f"a package built for another suite may need libraries the image does not have.\n\n{_quote(line, column)}",
        [f"Write `{name}` to install {stack_suite}'s version of it.", SEARCH],
    )


def invalid_name(line_number: int, line: str, column: int, name: str) -> BuildpackError:
    return BuildpackError(
        f"Invalid Aptfile: line {line_number} is not a Debian package name",
        f"Aptfile, line {line_number}: {name!r} is not a package name. Debian names are lowercase letters,\n"
        f"digits, `+`, `-` and `.`, at least two characters.\n\n{_quote(line, column)}",
        [EXPECTED_FORM, SEARCH],
    )


def duplicate_package(name: str, earlier: int, line_number: int) -> Warning:
    return (f"{name} is listed twice in the Aptfile",
            f"Aptfile, lines {earlier} and {line_number} both name {name}; it is installed once.\nDelete line {line_number}.")


def plan_package_invalid(name: str, buildpack_hint: str) -> BuildpackError:
    return BuildpackError(
        "A buildpack asked for an invalid Debian package",
        f"The build plan asks pycnb/apt for {name!r}, which is not a Debian package name ({buildpack_hint}).",
        ["Report it with the build log at https://github.com/pycnb/pycnb/issues."],
    )


# Settings

def invalid_mirror(name: str, value: str) -> BuildpackError:
    return BuildpackError(
        f"Invalid {name}",
        f"{name} is set to {value!r}, which is not an http://, https:// or file:// URL.",
        [f"Set {name} to a Debian mirror's base URL, e.g. http://deb.debian.org/debian, or unset it."],
    )


# Resolving

def unknown_package(line_number: int, line: str, name: str, suggestions: list[str], suite: str) -> BuildpackError:
    found = f"Did you mean {', '.join(suggestions)}?" if suggestions else "No package has a similar name."
    quoted = f"\n\n{_quote(line, line.index(name))}" if line_number and name in line else ""
    return BuildpackError(
        f"No package {name} in Debian {suite}",
        f"{_where(line_number)}: Debian {suite} (main, amd64) has no package named {name}, and none provides it.\n{found}"
        f"\nPackage names change between Debian releases (libmagic1 became libmagic1t64 in trixie;\n"
        f"libssl1.1 was bullseye's): a name from another release or from Ubuntu may not exist here.{quoted}",
        ["Correct the name in the Aptfile.", SEARCH],
    )


def virtual_package_choice(line_number: int, line: str, name: str, providers: list[str], suite: str) -> BuildpackError:
    quoted = f"\n\n{_quote(line, line.index(name))}" if line_number and name in line else ""
    shown = ", ".join(providers[:8]) + (f" and {len(providers) - 8} more" if len(providers) > 8 else "")
    return BuildpackError(
        f"{name} is a virtual package: name one of the packages that provide it",
        f"{_where(line_number)}: Debian {suite} has no package {name}; it is a virtual name, and {len(providers)} packages\n"
        f"provide it: {shown}.\nThey are alternatives (e.g. built against different libraries): which one to install is the\n"
        f"app's choice, and `apt-get install {name}` refuses too (\"You should explicitly select one to install\").{quoted}",
        [f"Replace {name} in the Aptfile with one of them, e.g. `{providers[0]}`.",
         f"Compare them at https://packages.debian.org/{suite}/{providers[0]} (and the others' pages)."],
    )


def virtual_package_resolved(name: str, package: str) -> str:
    return f"{name} is a virtual package: installing {package}, which provides it"


def replaces_libc(line_number: int, line: str, name: str, detail: str) -> BuildpackError:
    quoted = f"\n\n{_quote(line, line.index(name))}" if line_number and name in line else ""
    return BuildpackError(
        f"{name} would replace the run image's C library",
        f"{_where(line_number)}: {detail}\nThe app's processes load the run image's C library (glibc); a second copy in a layer\n"
        f"would be loaded by some programs and not others, and crash them.{quoted}",
        [f"Delete {name} from the Aptfile: the run image already has the C library of Debian trixie.",
         "If the app needs a newer glibc, it needs a newer stack, not a package."],
    )


def missing_dependency(package: str, group: tuple[str, ...]) -> Warning:
    return (f"A dependency of {package} is not in the suite",
            f"{package} depends on {' | '.join(group)}, which Debian trixie main (amd64) does not have; it is left out.\n"
            "If the app fails to load a library at run time, add the package that has it to the Aptfile.")


# Downloads

def download_failed(what: str, url: str, reason: str, attempts: int) -> BuildpackError:
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    return BuildpackError(
        f"Downloading {what} failed",
        f"{url}: {reason}{tries}.",
        ["Check that the build can reach the Debian mirror (pack build --network host on a machine without a route out),",
         "or point BP_APT_MIRROR at a mirror it can reach; BP_APT_DOWNLOAD_TIMEOUT and BP_APT_DOWNLOAD_RETRIES bound each download.",
         "Retry the build: a mirror being updated can answer with files that do not match for a few minutes."],
    )


def index_not_in_release(path: str, release_url: str) -> BuildpackError:
    return BuildpackError(
        "The Debian mirror does not list the package index",
        f"{release_url} lists no sha256 for {path}.",
        ["Point BP_APT_MIRROR at a full Debian mirror that carries trixie main for amd64."],
    )


def signature_invalid(url: str, output: str) -> BuildpackError:
    return BuildpackError(
        "The Debian suite's signature does not verify",
        f"{url} is not signed by a key of Debian's archive keyring:\n{output.strip()[-800:]}",
        ["Point BP_APT_MIRROR at a real Debian mirror (a proxy may have changed the file).",
         "Retry the build if the mirror was being updated."],
    )


def unpack_failed(name: str, output: str) -> BuildpackError:
    full = "No space left on device" in output
    return BuildpackError(
        f"Unpacking {name} failed" + (": the disk is full" if full else ""),
        output.strip()[-1500:],
        (["Free disk space on the build machine, then build again."] if full
         else ["Retry the build; if it persists, report it with the build log."]),
    )


# Build log

def no_packages() -> str:
    return "The Aptfile lists no packages: nothing to install."


def run_image_record_missing(path: str) -> Warning:
    return ("The build image does not record the run image's packages",
            f"{path} is missing, so pycnb/apt cannot tell what the run image already has; it assumes\n"
            "Debian's required packages only, and may install libraries the run image has. Build with the pycnb builder's stack.")


def signature_not_checked(reason: str) -> Warning:
    return ("The Debian suite's signature was not checked",
            f"{reason}; the package index and each package are still checked against the sha256 the suite's Release lists.\n"
            "Use an https:// mirror, or a build image with gpgv and debian-archive-keyring.")


def size(n: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if n < 1024 or unit == "MiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"
