"""Errors that stop the build: what happened, what was found, the numbered steps to fix it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnb.errors import BuildpackError
from cnb.log import mask_url_credentials

from .common import (
    DOCS, PACKAGE_MANAGERS_DOCS, PIPENV_EXPORT_COMMAND, REQUIREMENTS_FORMAT, TOOL_NAMES, VERSION_FORMATS, VersionAsked, short,
)

if TYPE_CHECKING:
    from cnb.context import Target


# Installers

def unknown_installer(env_var: str, value: str, installers: tuple[str, ...]) -> BuildpackError:
    return BuildpackError(
        f"{env_var} is set to {value!r}, which is not an installer pycnb knows",
        f"{env_var} chooses what installs requirements.txt: {' or '.join(installers)} (pip when unset).",
        [f"Set {env_var} to one of {', '.join(installers)}, or unset it."],
    )


# Package managers

def several_package_managers(found: dict[str, list[str]], env_var: str) -> BuildpackError:
    listed = "\n".join(f"  {', '.join(files)} ({TOOL_NAMES[manager]})" for manager, files in found.items())
    names = "|".join(found)
    return BuildpackError(
        "The app has files of several package managers",
        f"Each of these files names the tool that installs the app's dependencies, and they name different tools:\n{listed}\n"
        "pycnb does not guess which one is current.",
        ["Delete the files of the tools you no longer use (an export tool may have left a requirements.txt behind), or",
         f"set {env_var}={names} (one of them) in the build environment (pack build --env, project.toml) to pick one; "
         "the other files are then ignored."],
    )


def unknown_package_manager(env_var: str, value: str, managers: tuple[str, ...]) -> BuildpackError:
    return BuildpackError(
        f"Invalid {env_var}",
        f"{env_var} is set to {value!r}, which is not a package manager pycnb knows.",
        [f"Set {env_var} to one of {', '.join(managers)}.", "Or unset it: with the files of one package manager, it is chosen from them."],
    )


def package_manager_not_present(env_var: str, value: str, wanted_files: list[str], found: list[str]) -> BuildpackError:
    return BuildpackError(
        f"{env_var}={value}, but the app has no {' or '.join(wanted_files)}",
        f"{env_var} picks {TOOL_NAMES[value]}, which installs from {' or '.join(wanted_files)}; the app has "
        + (", ".join(found) if found else "no package manager file") + ".",
        [f"Set {env_var} to the tool of a file the app has, or unset it.",
         f"Or add {wanted_files[0]} to the app (is it excluded by .gitignore or project.toml?)."],
    )


def unknown_install_groups(env_var: str, missing: list[str], available: list[str], file: str) -> BuildpackError:
    return BuildpackError(
        f"{env_var} names groups the project does not have: {', '.join(missing)}",
        f"The dependency groups in {file} are: {', '.join(available) or 'none'}.",
        [f"Set {env_var} to groups of {file}, separated by commas, or unset it to install only the main dependencies."],
    )


def poetry_package_not_found(output: list[str]) -> BuildpackError:
    return BuildpackError(
        "Poetry found no package to install for the project itself",
        "pyproject.toml makes the app a package (Poetry's package-mode is on unless set to false), so `poetry sync` installs\n"
        "the project itself, but no folder or module has the project's name. The dependencies were installed. Poetry's output ends:\n"
        + "\n".join(output[-6:]),
        ["If the app is not a package to install (most web apps are not), add `package-mode = false` under [tool.poetry]\n"
         "in pyproject.toml; Poetry then installs only the dependencies. Or",
         "name the project's package folders under [tool.poetry]: `packages = [{include = \"mysite\"}]`."],
    )


def poetry_root_not_installed(cause: str, output: list[str]) -> BuildpackError:
    return BuildpackError(
        "Poetry could not install the project itself",
        "pyproject.toml makes the app a package (Poetry's package-mode is on unless set to false), so `poetry sync` builds\n"
        f"and installs the project itself, and that failed: {cause}\n"
        "The dependencies were installed. Poetry's output ends:\n" + "\n".join(output[-6:]),
        ["Fix what Poetry names: a `readme` (or `license`, `include`) file pyproject.toml names must be in the app, or",
         "if the app is not a package to install (most web apps are not), add `package-mode = false` under [tool.poetry]\n"
         "in pyproject.toml; Poetry then installs only the dependencies."],
    )


def lock_without_pyproject(lock: str, tool: str, init_command: str) -> BuildpackError:
    return BuildpackError(
        f"{lock} has no pyproject.toml beside it",
        f"{TOOL_NAMES[tool]} reads the project's dependencies from pyproject.toml and checks {lock} against it; "
        f"the app has {lock} but no pyproject.toml at its top level.",
        [f"Commit pyproject.toml (made by `{init_command}`) next to {lock}, or",
         f"delete {lock} if the app is installed some other way (requirements.txt)."],
    )


def invalid_lock(lock: str, reason: str, lock_command: str) -> BuildpackError:
    return BuildpackError(
        f"{lock} cannot be read",
        f"{lock} is not valid: {reason}",
        [f"Run `{lock_command}` to write it again, and commit it.",
         "Do not edit lock files by hand, or resolve merge conflicts in them by hand."],
    )


def stale_lock(lock: str, lock_command: str, output: list[str], index_differs: bool = False) -> BuildpackError:
    if index_differs:
        return BuildpackError(
            f"{lock} does not match this build's package index",
            f"{lock} records the index each package comes from, and the build gives another index (see the warning above), "
            "so the lock reads as out of date. The tool's output ends:\n" + "\n".join(output[-8:]),
            [f"Lock against the index the build uses (`UV_DEFAULT_INDEX=<index> {lock_command}`) and commit {lock}, or",
             "declare the index in pyproject.toml ([[tool.uv.index]]) and give its credentials to the build, not its URL."],
        )
    return BuildpackError(
        f"{lock} is out of date",
        f"pyproject.toml has changed since {lock} was written, so installing from it would not give what the project asks for. "
        "The tool's output ends:\n" + "\n".join(output[-8:]),
        [f"Run `{lock_command}` in the app and commit {lock} with pyproject.toml."],
    )


def lock_from_newer_tool(lock: str, tool: str, found: str, ours: str, supported: str) -> BuildpackError:
    name = TOOL_NAMES[tool]
    return BuildpackError(
        f"{lock} was written by a newer {name} than pycnb installs with",
        f"{lock} says `{found}`; {name} {ours}, which pycnb installs with, reads up to `{supported}`.",
        [f"Lock with {name} {ours} (`{tool} lock`) and commit {lock}, or",
         "use a pycnb release whose pinned tool reads this lock format."],
    )


def tool_failed(tool: str, command: str, output: list[str]) -> BuildpackError:
    return BuildpackError(
        f"`{command}` failed",
        f"{TOOL_NAMES[tool]}'s output is above; it ends with:\n" + "\n".join(output[-12:]),
        [f"Run `{command}` in a fresh clone of the app to reproduce it.",
         "If a package index is unreachable or refuses credentials, check the index settings given to the build."],
    )


def invalid_tool_setting(file: str, setting: str, value: str, examples: tuple[str, str] = ("0.13.8", ">=0.13")) -> BuildpackError:
    return BuildpackError(
        f"{setting} in {file} is not a version specifier",
        f"It is {short(value)!r}.",
        [f"Write a version such as `{examples[0]}` or a specifier such as `{examples[1]}`, in {file}."],
    )


def tool_version_required(tool: str, setting: str, required: str, ours: str, file: str) -> BuildpackError:
    name = TOOL_NAMES[tool]
    return BuildpackError(
        f"The project requires {name} {required}; pycnb installs with {name} {ours}",
        f"{setting} in {file} says which {name} versions may install the project, and {ours} is not one of them.",
        [f"Allow {name} {ours} in {setting} (for example `>={ours.rsplit('.', 1)[0]}`), or remove the setting;",
         f"check that the lock file still installs with {name} {ours} (`{tool} --version`)."],
    )


def local_source_outside_app(lock: str, package: str, folder: str) -> BuildpackError:
    return BuildpackError(
        f"{lock} takes {package} from a folder outside the app",
        f"The lock installs {package} from {folder!r}, which is outside the app folder: only the app folder is sent to the build.",
        ["Move the package into the app (a workspace member or a path inside the repository), or",
         "publish it to a package index the build can reach and depend on it by version."],
    )


def invalid_group_name(env_var: str, name: str) -> BuildpackError:
    return BuildpackError(
        f"{env_var} names an invalid group {name!r}",
        "Dependency group names are letters, digits, `.`, `_` and `-`, separated by commas.",
        [f"Set {env_var} to group names separated by commas, e.g. `{env_var}=docs,metrics`."],
    )


def runtime_outside_requires_python(version: str, requires: str, file: str, setting: str = "requires-python") -> BuildpackError:
    return BuildpackError(
        f"Python {version} does not satisfy the project's {setting} ({short(requires)})",
        f"The Python version was chosen from the app's version files, but {setting} in {file} excludes it, "
        "so the package manager would refuse to install the project. Nothing was installed.",
        [f"Pin a version that satisfies {short(requires)} in .python-version, or",
         f"widen {setting} in {file} and lock again."],
    )


def pipfile_without_lock() -> BuildpackError:
    return BuildpackError(
        "Pipfile without Pipfile.lock",
        "The app has a Pipfile but no Pipfile.lock: the Pipfile alone does not pin the versions to install.",
        ["Run `pipenv lock` in the app and commit Pipfile.lock with the Pipfile; pycnb then installs it with `pipenv sync`.",
         "Check that Pipfile.lock is not excluded by .gitignore or by `[_].exclude` in project.toml."],
    )


# Pipenv

def pipfile_lock_without_pipfile() -> BuildpackError:
    return BuildpackError(
        "Pipfile.lock without Pipfile",
        "The app has Pipfile.lock but no Pipfile. pycnb installs a Pipfile.lock only while it matches its Pipfile\n"
        "(as `pipenv install --deploy` does), and without the Pipfile that cannot be checked. Nothing was downloaded.",
        ["Commit the Pipfile next to Pipfile.lock (is it excluded by .gitignore or by `[_].exclude` in project.toml?), or",
         f"if you only have the lock: `{PIPENV_EXPORT_COMMAND}`, commit requirements.txt and delete Pipfile.lock."],
    )


def invalid_pipfile(reason: str) -> BuildpackError:
    return BuildpackError(
        "Pipfile cannot be read",
        f"The Pipfile is not one Pipenv can lock: {reason}",
        ["Fix the Pipfile (TOML: `[packages]` and `[dev-packages]` tables of `name = \"version\"`),",
         "then run `pipenv lock` and commit the Pipfile with Pipfile.lock."],
    )


def pipfile_lock_stale(locked_for: str = "", pipfile_hash: str = "", output: list[str] | None = None) -> BuildpackError:
    """`output` when `pipenv verify` found it stale; the two hashes when pycnb did, before any download."""
    found = (f"(the lock was written for a Pipfile whose hash is {locked_for[:12]}..., the Pipfile's is {pipfile_hash[:12]}...)"
             if pipfile_hash else "(`pipenv verify` says so)")
    tail = ("\nPipenv's output ends:\n" + "\n".join(output[-8:])) if output else ""
    return BuildpackError(
        "Pipfile.lock is out of date",
        "The Pipfile has changed since Pipfile.lock was written, so installing from the lock would not give what the Pipfile asks for\n"
        f"{found}. Nothing was installed.{tail}",
        ["Run `pipenv lock` in the app and commit Pipfile.lock with the Pipfile."],
    )


def unknown_pipenv_category(name: str, found: list[str], env_var: str) -> BuildpackError:
    return BuildpackError(
        f"{env_var} names {name!r}, which Pipfile.lock does not have",
        f"{env_var} selects extra Pipenv categories (Pipfile sections) to install; Pipfile.lock has: {', '.join(found) or 'none'}.",
        [f"Name categories Pipfile.lock has in {env_var}, or",
         f"add a [{name}] section to the Pipfile, run `pipenv lock` and commit Pipfile.lock."],
    )


def runtime_not_pipfile_python(version: str, key: str, wanted: str) -> BuildpackError:
    return BuildpackError(
        f"Python {version} is not the Python Pipfile.lock was locked for ({key} {wanted})",
        f"The Python version was chosen from the app's version files, but Pipfile.lock's `_meta.requires` says {key} = {wanted!r}\n"
        "(from the Pipfile's [requires]); `pipenv install --deploy` refuses such a build too. Nothing was installed.",
        [f"Make them agree: pin {wanted} in .python-version, or",
         f"set `{key} = \"{version.rsplit('.', 1)[0] if key == 'python_version' else version}\"` under [requires] in the Pipfile, "
         "run `pipenv lock` and commit both files."],
    )


def pdm_not_supported() -> BuildpackError:
    return BuildpackError(
        "PDM is not supported",
        "The app has pdm.lock and no requirements.txt. pycnb installs from requirements.txt, requirements.in,\n"
        "or the [project] dependencies of pyproject.toml (without a lock file).",
        ["Run `pdm export --format requirements --without-hashes --prod -o requirements.txt` and commit requirements.txt.",
         f"See {PACKAGE_MANAGERS_DOCS} for what pycnb installs from."],
    )


def setup_py_not_supported(found: str) -> BuildpackError:
    return BuildpackError(
        f"{found} alone does not declare the app's dependencies to pycnb",
        f"The app has {found} but no requirements.txt, requirements.in or pyproject.toml with [project] dependencies.\n"
        "pycnb does not run setup.py or read setup.cfg to find what to install.",
        ["Add a requirements.txt listing the app's dependencies (e.g. `pip freeze > requirements.txt` in its virtual environment),",
         "or one holding the line `-e .` to install the app's own package with its install_requires."],
    )


def poetry_project_without_lock() -> BuildpackError:
    return BuildpackError(
        "pyproject.toml is a Poetry project without poetry.lock",
        "pyproject.toml has a [tool.poetry] table, but the app has no poetry.lock: the versions to install are not locked.",
        ["Run `poetry lock` and commit poetry.lock: pycnb then installs the locked versions with Poetry."],
    )


def pyproject_dependencies_dynamic(file: str) -> BuildpackError:
    return BuildpackError(
        f"The dependencies in {file} are dynamic",
        f"{file} lists `dependencies` in [project].dynamic: only its build backend can tell what they are, "
        "and pycnb reads them statically.",
        [f"List the dependencies in [project].dependencies of {file}, or",
         "add a requirements.txt (pip freeze > requirements.txt) holding them."],
    )


def pyproject_without_dependencies(file: str) -> BuildpackError:
    return BuildpackError(
        f"{file} declares no dependencies",
        f"{file} has no [project] table with `dependencies`, and the app has no lock or requirements file.",
        [f"List the app's dependencies under [project] in {file}: `dependencies = [\"Django==5.2.8\", \"gunicorn\"]`, or",
         "add a requirements.txt (pip freeze > requirements.txt)."],
    )


def invalid_pyproject_dependency(file: str, value: object, reason: str) -> BuildpackError:
    return BuildpackError(
        f"{file} has a dependency pip cannot read",
        f"[project].dependencies in {file}: {value!r} is not a requirement:\n{reason}",
        [f"Write each dependency as a PEP 508 string, e.g. \"Django==5.2.8\" or \"Django>=5.2,<6\", in {file}."],
    )


def venv_instead_of_dependencies(folder: str) -> BuildpackError:
    return BuildpackError(
        "No dependency file, only a committed virtual environment",
        f"The app has {folder}/ (a virtual environment) but no requirements.txt, lock file or pyproject.toml:\n"
        "a virtual environment made on another machine cannot be reused in the image.",
        ["In that environment, run `pip freeze > requirements.txt` and commit requirements.txt.",
         f"Remove {folder}/ from the app (add it to .gitignore and to `[_].exclude` in project.toml)."],
    )


def no_package_manager_files() -> BuildpackError:
    return BuildpackError(
        "No file declares the app's dependencies",
        "The app has none of requirements.txt, requirements.in, uv.lock, poetry.lock, Pipfile.lock, or a pyproject.toml with dependencies.",
        ["Add a requirements.txt listing the app's dependencies at the top level of the app.",
         "If it exists: check its name and that it is not in a subfolder.",
         "Check that it is not excluded by .gitignore or by `[_].exclude` in project.toml, and that it is committed."],
    )


# Python version

def invalid_version_env_var(name: str, value: str) -> BuildpackError:
    return BuildpackError(
        f"Invalid Python version in {name}",
        f"{name} is set to {value!r}, which is not a Python version.",
        [f"Set {name} to {VERSION_FORMATS}.", f"Or unset it to use the version from .python-version. See {DOCS}."],
    )


def invalid_version_file(file: str, line_number: int, line: str) -> BuildpackError:
    return BuildpackError(
        f"Invalid Python version in {file}",
        f"{file}, line {line_number}: {line.strip()!r} is not a Python version.",
        [f"Write the version as {VERSION_FORMATS} on a line of its own.", "Comments start with `#`; blank lines are ignored."],
    )


def empty_version_file(file: str) -> BuildpackError:
    return BuildpackError(
        f"No Python version in {file}",
        f"{file} exists but holds no version (only blank lines or comments).",
        [f"Write the version you want, e.g. `3.13`, into {file}.", f"Or delete {file} to use the default version."],
    )


def several_versions_in_file(file: str, line_numbers: list[int]) -> BuildpackError:
    lines = ", ".join(str(number) for number in line_numbers)
    return BuildpackError(
        f"Several Python versions in {file}",
        f"{file} names a version on lines {lines}; an app runs on one Python version.",
        [f"Keep one version in {file} and delete the others."],
    )


def invalid_runtime_txt(file: str, line_number: int, line: str) -> BuildpackError:
    return BuildpackError(
        f"Invalid Python version in {file}",
        f"{file}, line {line_number}: {line!r} is not of the form `python-3.13.15`.",
        ["Replace runtime.txt with a .python-version file containing e.g. `3.13` (runtime.txt is deprecated)."],
    )


def invalid_pipfile_lock_python(file: str, key: str, value: object) -> BuildpackError:
    return BuildpackError(
        f"Invalid Python version in {file}",
        f"`_meta.requires.{key}` in {file} is {value!r}, which is not a Python version.",
        [f"Write it as {VERSION_FORMATS} under [requires] in the Pipfile, then run `pipenv lock` and commit both files."],
    )


def invalid_pyproject(file: str, reason: str) -> BuildpackError:
    return BuildpackError(f"Cannot read {file}", f"{file} is not valid TOML: {reason}", [f"Fix the syntax of {file}."])


def invalid_requires_python(file: str, specifier: str) -> BuildpackError:
    return BuildpackError(
        f"Invalid requires-python in {file}",
        f"requires-python = {specifier!r} is not a version specifier.",
        ["Use a PEP 440 specifier such as `>=3.12`.", "Or pin the version in a .python-version file."],
    )


def invalid_project_table(file: str, found_type: str) -> BuildpackError:
    return BuildpackError(
        f"Invalid [project] table in {file}",
        f"`project` in {file} is a {found_type}, but PEP 621 makes it a table: `[project]` on a line of its own.",
        [f"Write the project's metadata under a `[project]` header in {file}, e.g. `requires-python = \">=3.12\"`."],
    )


def python_version_unavailable(request: VersionAsked, available: list[str], target: "Target", location: str) -> BuildpackError:
    """`available` newest first. A pin whose minor version is offered gets that minor's release and
    `X.Y` suggested; a minor that is not offered gets the nearest newer one (or the newest)."""
    listed = ", ".join(available) if available else "none"
    index = (f"Versions in the runtime index {location}\n"
             f"for {target.os}/{target.arch} {target.distro_name} {target.distro_version}: {listed}")
    other_index = "Or point BP_PYTHON_RUNTIME_INDEX at an index that has this version."
    if request.major is None or not available:
        return BuildpackError(
            f"Python {request.describe()} is not available",
            f"The version was requested by {request.where}.\n{index}",
            [f"Request one of the available versions in {request.where}.", other_index],
        )
    wanted_minor = f"{request.major}.{request.minor}"
    same_minor = [version for version in available if version.rsplit(".", 1)[0] == wanted_minor]
    if same_minor:
        return BuildpackError(
            f"Python {request.describe()} is not available",
            f"{request.where} asks for exactly {request.describe()}; "
            f"of Python {wanted_minor} the runtime index has {', '.join(same_minor)}.\n{index}",
            [
                f"Ask for `{wanted_minor}`, the newest {wanted_minor}.x with its security fixes: {_ask_for(request, wanted_minor)}.",
                f"Or pin the release offered: {_ask_for(request, same_minor[0])}.",
                other_index,
            ],
        )
    minors = list(dict.fromkeys(version.rsplit(".", 1)[0] for version in available))
    newer = [minor for minor in minors if tuple(map(int, minor.split("."))) > (request.major, request.minor)]
    suggested = newer[-1] if newer else minors[0]
    return BuildpackError(
        f"Python {request.describe()} is not available",
        f"{request.where} asks for Python {request.describe()}, and the runtime index has no Python {wanted_minor}: "
        f"it offers {', '.join(minors)}.\n{index}",
        [
            f"Move the app to an offered Python: {_ask_for(request, suggested)}, and check that its dependencies support {suggested}.",
            f"Or point BP_PYTHON_RUNTIME_INDEX at an index that has Python {wanted_minor} "
            f"(`./pycnb runtimes` compiles one with the release in PYCNB_RUNTIME_VERSIONS, from a reachable source).",
        ],
    )


def _ask_for(request: VersionAsked, version: str) -> str:
    """How to make the request's source ask for `version` instead."""
    if request.source == "runtime.txt":
        if version.count(".") == 2:
            return f"change {request.where} to `python-{version}`"
        return f"write `{version}` in a .python-version file and delete runtime.txt (deprecated)"
    if request.source == ".python-version":
        return f"change {request.where} to `{version}`"
    if request.source.endswith(" env var"):
        return f"set {request.source.removesuffix(' env var')}={version}"
    if "Pipfile.lock" in request.source:
        return f'set python_version = "{version}" under [requires] in the Pipfile, then run `pipenv lock`'
    return f"write `{version}` in a .python-version file"


# Runtime index and download

def _tries(attempts: int) -> str:
    return f" after {attempts} attempts" if attempts > 1 else ""


def _network_fix() -> list[str]:
    return [
        "Check that the build can reach the server (pack build --network host; a proxy's HTTPS_PROXY; a firewall).",
        "A slow server: raise BP_PYTHON_DOWNLOAD_TIMEOUT (seconds per read, default 30) "
        "or BP_PYTHON_DOWNLOAD_RETRIES (default 2).",
    ]


def runtime_index_unreachable(location: str, reason: str, attempts: int) -> BuildpackError:
    fix = ["Check that BP_PYTHON_RUNTIME_INDEX names a reachable URL or file."]
    if "://" in location and not location.startswith("file:"):
        fix += _network_fix()
    return BuildpackError(
        "Cannot read the Python runtime index",
        f"Reading {mask_url_credentials(location)} failed{_tries(attempts)}: {reason}",
        [*fix, "Unset BP_PYTHON_RUNTIME_INDEX to use the index the builder carries."],
    )


def runtime_index_invalid(location: str, reason: str) -> BuildpackError:
    return BuildpackError(
        "The Python runtime index is not valid",
        f"{mask_url_credentials(location)}: {reason}",
        ["Regenerate the index with `./pycnb runtimes build`, or fix BP_PYTHON_RUNTIME_INDEX."],
    )


def runtime_download_failed(location: str, reason: str, attempts: int) -> BuildpackError:
    return BuildpackError(
        "Cannot download the Python runtime",
        f"Downloading {mask_url_credentials(location)} failed{_tries(attempts)}: {reason}",
        [*_network_fix(), "If the archive is gone from the server, regenerate the runtime index or tell its operator."],
    )


def runtime_checksum_mismatch(location: str, reason: str, attempts: int) -> BuildpackError:
    return BuildpackError(
        "The Python runtime download is corrupt",
        f"{mask_url_credentials(location)}{_tries(attempts)}: {reason}.\nNothing was unpacked.",
        ["Retry the build: a proxy may have cut the download short.",
         "If it persists, the index or its mirror serves a different file: tell its operator."],
    )


def invalid_download_setting(name: str, value: str, expected: str) -> BuildpackError:
    return BuildpackError(f"Invalid {name}", f"{name} is set to {value!r}.", [f"Set {name} to {expected}, or unset it for the default."])


def runtime_extract_failed(version: str, output: str) -> BuildpackError:
    full = "No space left on device" in output
    return BuildpackError(
        f"Unpacking Python {version} failed" + (": the disk is full" if full else ""),
        output.strip()[-1500:],
        (["Free disk space on the build machine, then build again."] if full
         else ["Retry the build; if it persists, report it with the build log."]),
    )


def runtime_without_pip(version: str) -> BuildpackError:
    return BuildpackError(
        f"The Python {version} runtime archive has no pip",
        "pycnb installs the app's dependencies with the runtime's own pip, from lib/python3.X/site-packages/pip "
        "in the archive, and this archive has none.",
        ["Use a runtime archive with pip in site-packages (`./pycnb runtimes` builds them so; python-build-standalone's "
         "install_only archives have it), or unset BP_PYTHON_RUNTIME_INDEX to use the builder's runtimes."],
    )


def runtime_relocation_failed(output: str) -> BuildpackError:
    return BuildpackError(
        "Preparing the Python runtime for its folder failed",
        "Recompiling the runtime's rewritten sysconfig modules failed:\n" + output.strip()[-1500:],
        ["Retry the build; if it persists, report it with the build log."],
    )


# Requirements

def misspelt_requirements(found: str, expected: str) -> BuildpackError:
    return BuildpackError(
        f"Found {found}, expected {expected}",
        f"The app has a file named {found}, but pip's dependencies must be in {expected}.",
        [f"Rename {found} to {expected}."],
    )


def no_requirements(name: str) -> BuildpackError:
    return BuildpackError(f"No {name}", f"The app has no {name}.", [f"Add a {name} listing the app's dependencies."])


def include_outside_app(file: object, line_number: int, line: str) -> BuildpackError:
    return BuildpackError(
        "A requirements include points outside the app",
        f"{file}, line {line_number}: {line.strip()!r}",
        ["Move the included file into the app and refer to it with a relative path."],
    )


def missing_include(file: object, line_number: int, line: str, target: object, beside_link_target: object = None) -> BuildpackError:
    if beside_link_target is None:
        return BuildpackError(
            "A requirements include is missing",
            f"{file}, line {line_number}: {line.strip()!r}\n{target} does not exist.",
            [f"Add {target} to the app, or remove the line from {file}."],
        )
    return BuildpackError(
        "A requirements include is missing",
        f"{file}, line {line_number}: {line.strip()!r}\n{target} does not exist. {file} is a link, and pip reads an include\n"
        f"relative to the folder of the link, not of the file it points to; {beside_link_target} exists there.",
        [
            f"Name the include from the app's root folder in {file}: e.g. `-r {beside_link_target}`, or",
            f"point the build at the real file: replace the {file} link with a file holding `-r {beside_link_target}`.",
        ],
    )


def invalid_requirement(file: str, line_number: int, line: str, reason: str) -> BuildpackError:
    return BuildpackError(
        f"{file} has a line pip cannot read",
        f"{file}, line {line_number}: {line!r} is not a requirement:\n{reason}",
        [f"Write the requirement as `name==version` (e.g. `Django==5.2.8`), see {REQUIREMENTS_FORMAT}.",
         "Start comments with `#`."],
    )


def unknown_requirements_option(file: str, line_number: int, option: str) -> BuildpackError:
    return BuildpackError(
        f"{file} has an option pip does not know",
        f"{file}, line {line_number}: pip does not know the option {option} in a requirements file.",
        [f"Check its spelling, or remove it: the options a requirements file may hold are listed at {REQUIREMENTS_FORMAT}.",
         "Options for the pip command line (e.g. --no-cache-dir) go into PIP_* env vars instead (PIP_NO_CACHE_DIR=1)."],
    )


def local_path_outside_app(file: str, line_number: int, line: str) -> BuildpackError:
    return BuildpackError(
        "A requirements line installs a folder outside the app",
        f"{file}, line {line_number}: {line!r}\nOnly the app folder is sent to the build, so nothing outside it can be installed.",
        ["Move the package into the app and refer to it with a relative path (e.g. `-e ./libs/mylib`).",
         "Or publish it to a package index and require it by name."],
    )


def local_path_missing(file: str, line_number: int, line: str, path: str) -> BuildpackError:
    return BuildpackError(
        "A requirements line names a folder that is not in the app",
        f"{file}, line {line_number}: {line!r} names {path}, which is not in the app.\n"
        "pip reads local paths from the app folder.",
        [f"Add {path} to the app (is it excluded by project.toml or .gitignore?), or fix the path on line {line_number}."],
    )


def include_loop(file: object, line_number: int, line: str, target: object) -> BuildpackError:
    return BuildpackError(
        "Requirements files include each other in a loop",
        f"{file}, line {line_number}: {line.strip()!r}\n"
        f"{target} is already being read: it includes {file}, directly or through other files.",
        [f"Remove the include on line {line_number} of {file}: pip refuses a file that includes itself."],
    )


def link_outside_app(file: str) -> BuildpackError:
    return BuildpackError(
        f"{file} is a link to a file outside the app",
        f"{file} is a symbolic link whose target is outside the app folder. It is not followed,\n"
        "so no file from outside the app is read into the build.",
        [f"Replace the link with a regular file named {file}, or point it at a file inside the app."],
    )


def file_too_large(file: str, size: int, limit: int) -> BuildpackError:
    return BuildpackError(
        f"{file} is too large",
        f"{file} is {size / 1024 / 1024:.1f} MiB; the buildpack reads text files of up to {limit // 1024 // 1024} MiB.",
        [f"Check that {file} is the file you meant: a generated or concatenated file may have grown by mistake.",
         f"Keep {file} to the app's own entries."],
    )


def not_utf8(file: str, line_number: int) -> BuildpackError:
    return BuildpackError(
        f"{file} is not UTF-8 text",
        f"{file}, line {line_number}, holds bytes that are not UTF-8 text (a binary file, or another encoding).",
        [f"Save {file} as UTF-8 text (most editors: 'Save with encoding')."],
    )


# Environment

def forbidden_env_vars(names: list[str], tool: str = "pip") -> BuildpackError:
    return BuildpackError(
        "Env vars that break the install are set",
        f"These env vars would make {TOOL_NAMES[tool]} install outside the app's virtual environment, or with another Python, or\n"
        f"load another standard library: {', '.join(names)}",
        [f"Unset {', '.join(names)} in the build environment (pack build --env, project.toml, the platform's settings)."],
    )


def invalid_ca_certificate(binding: str, entry: str) -> BuildpackError:
    return BuildpackError(
        "A ca-certificates binding holds a file that is not a certificate",
        f"Binding {binding!r}, file {entry!r}: no `-----BEGIN CERTIFICATE-----` block.",
        ["Put PEM-encoded certificates in the binding, one bundle per file."],
    )


# Installing

def venv_creation_failed(output: list[str]) -> BuildpackError:
    return BuildpackError("Cannot create the virtual environment", "\n".join(output[-20:]), ["Retry the build; if it persists, report it."])


def tool_install_failed(package: str, version: str, output: list[str]) -> BuildpackError:
    return BuildpackError(
        f"Installing {package} {version} failed",
        f"pycnb installs {package} for this build only, pinned with hashes, with the runtime's pip. pip's output ends:\n"
        + "\n".join(output[-15:]),
        ["Check that PyPI (or your PIP_INDEX_URL) is reachable from the build and serves this version.",
         "A mirror must serve the exact files PyPI does: the hashes are checked."],
    )


def pip_compile_failed(name: str, output: list[str]) -> BuildpackError:
    return BuildpackError(
        f"Resolving {name} failed",
        "pip-compile's output ends:\n" + "\n".join(output[-15:]),
        [f"Fix the requirement named above in {name}.", f"Run `pip-compile {name}` locally to reproduce it."],
    )


def pip_check_failed(output: list[str]) -> BuildpackError:
    return BuildpackError(
        "The installed dependencies conflict",
        "`pip check` found:\n" + "\n".join(output),
        ["Pin versions in requirements.txt that satisfy every package's requirements (pip-compile does this)."],
    )


def bytecode_failed(output: list[str]) -> BuildpackError:
    return BuildpackError(
        "Cannot compile the installed packages' bytecode",
        "Compiling the modules the installer left without bytecode failed:\n" + "\n".join(output[-20:]),
        ["Check that the build has free disk space, then retry; if it persists, report it with the build log."],
    )


# SBOM

def sbom_failed(output: str) -> BuildpackError:
    return BuildpackError(
        "Cannot list the installed packages for the SBOM",
        "\n".join(output.strip().splitlines()[-20:]),
        ["Retry the build; if it persists, report it with the build log."],
    )
