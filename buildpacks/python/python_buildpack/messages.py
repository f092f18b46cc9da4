"""Every message the Python buildpack shows a user: what happened, what was found, how to fix it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cnb.errors import BuildpackError
from cnb.log import mask_url_credentials

if TYPE_CHECKING:
    from cnb.context import Target

    from .python_version import VersionRequest

DOCS = "https://github.com/pycnb/pycnb#python-version"
VERSION_FORMATS = "`3.13` (the newest 3.13.x) or `3.13.15` (exactly that release)"

Warning = tuple[str, str]


# Build summary

def installer_summary(pins_requirements_in: bool, pip_tools_version: str) -> str:
    pinning = f"; requirements.in pinned with pip-tools {pip_tools_version}" if pins_requirements_in else ""
    return f"pip, from the runtime{pinning}"


def uv_pip_installer_summary(uv_version: str, env_var: str) -> str:
    return f"uv {uv_version} (build only, {env_var}=uv): uv pip compile, then uv pip sync"


def unknown_installer(env_var: str, value: str, installers: tuple[str, ...]) -> BuildpackError:
    return BuildpackError(
        f"{env_var} is set to {value!r}, which is not an installer pycnb knows",
        f"{env_var} chooses what installs requirements.txt: {' or '.join(installers)} (pip when unset).",
        [f"Set {env_var} to one of {', '.join(installers)}, or unset it."],
    )


def certificates_summary(extra: int, at_launch: bool) -> str:
    if not extra:
        return "the build image's"
    return f"{extra} file(s) from ca-certificates bindings, " + ("also at launch" if at_launch else "build only")


def kept_layers_at_build(names: list[str], program_env_var: str) -> str:
    return (f"The {' and '.join(names)} layer(s) are reused from the previous image and have no files during the build; "
            f"`python` or `${program_env_var} materialize` unpacks them from the build cache when a later step needs them")


# Package managers

PACKAGE_MANAGERS_DOCS = "https://github.com/pycnb/pycnb#package-managers"

# What turns Pipenv's lock into a requirements.txt pip installs, for a lock whose Pipfile is gone.
PIPENV_EXPORT_COMMAND = "pipenv requirements > requirements.txt"
TOOL_NAMES = {"pip": "pip", "uv": "uv", "poetry": "Poetry", "pipenv": "Pipenv"}


def package_manager_summary(manager: str, files: list[str], chosen_by: str | None) -> str:
    how = f"{chosen_by}, of " if chosen_by else "from "
    return f"{TOOL_NAMES.get(manager, manager)} ({how}{', '.join(files)})"


def several_package_managers(found: dict[str, list[str]], env_var: str) -> BuildpackError:
    listed = "\n".join(f"  {', '.join(files)} ({TOOL_NAMES[manager]})" for manager, files in found.items())
    names = "|".join(found)
    return BuildpackError(
        "The app has files of several package managers",
        f"Each of these files names the tool that installs the app's dependencies, and they name different tools:\n{listed}\n"
        "pycnb does not guess which one is current.",
        [f"Delete the files of the tools you no longer use (an export tool may have left a requirements.txt behind), or",
         f"set {env_var}={names} (one of them) in the build environment (pack build --env, project.toml) to pick one; "
         "the other files are then ignored."],
    )


def pipfile_without_lock_not_used(files: list[str]) -> Warning:
    chosen = ", ".join(files)
    return (
        "The Pipfile is not used: it has no Pipfile.lock",
        f"pycnb installs with pip from {chosen}. A lock or requirements file names the tool that installs the app, and a\n"
        "Pipfile without its Pipfile.lock pins no versions, so it names none (Heroku's Python buildpacks choose the same way).\n"
        f"To install with Pipenv instead, run `pipenv lock`, commit Pipfile.lock and delete {chosen}; else delete the Pipfile.",
    )


def pipenv_build_system_not_used(lock: str) -> Warning:
    return (
        "pyproject.toml's [build-system] is not used",
        f"Pipenv installs what {lock} lists, and it does not list the app itself, so the app is not built or installed as a\n"
        "package: it runs from its folder, as on a developer's machine after `pipenv sync` (Heroku does the same).\n"
        f"If the app must be installed (a src/ layout, entry points), run `pipenv install -e .` and commit {lock}.",
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


def uv_installer_summary(version: str, groups: tuple[str, ...], groups_env_var: str, left_out: tuple[str, ...] = ()) -> str:
    extra = f", plus groups {', '.join(groups)}" if groups else ", no dev or default groups"
    if left_out:
        extra += f" (left out: {', '.join(left_out)}; {groups_env_var} adds groups)"
    elif not groups:
        extra += f" ({groups_env_var} adds some)"
    return f"uv {version} (build only): uv sync --locked{extra}"


def poetry_installer_summary(version: str, groups: tuple[str, ...], groups_env_var: str, main: bool = True) -> str:
    if not main:  # the project declares no dependencies: Poetry has no `main` group
        selection = f"--only {','.join(groups)}" if groups else "--only-root (the project declares no dependencies)"
        return f"Poetry {version} (build only): poetry sync {selection}"
    extra = f", plus groups {', '.join(groups)}" if groups else f", no other group ({groups_env_var} adds some)"
    return f"Poetry {version} (build only): poetry sync --only main{extra}"


def short(value: str, limit: int = 100) -> str:
    """A value from the app's files, cut to a length a log line can hold."""
    return value if len(value) <= limit else value[:limit] + "..."


def lock_newer_minor(lock: str, tool: str, found: str, ours: str, supported: str) -> Warning:
    name = TOOL_NAMES[tool]
    return (
        f"{lock} was written by a newer {name}",
        f"{lock} says `{short(found)}`; {name} {ours}, which pycnb installs with, writes `{supported}`. It reads the lock,\n"
        f"but may miss what the newer format adds. Lock with {name} {ours} (`{tool} lock`) to be sure of what is installed.",
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
        [f"Run `{lock_command}` to write it again, and commit it.", "Do not edit lock files by hand, or resolve merge conflicts in them by hand."],
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


def lock_index_differs(lock: str, lock_indexes: list[str], build_index: str, env_vars: tuple[str, ...]) -> Warning:
    return (
        f"{lock} was locked against another package index than this build's",
        f"The lock's packages come from {', '.join(mask_url_credentials(url) for url in lock_indexes)}; "
        f"{' or '.join(env_vars)} gives the build {mask_url_credentials(build_index)}. uv will read the lock as out of date. "
        "Lock against the index the build uses, or declare the index in pyproject.toml ([[tool.uv.index]]).",
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

def pipenv_installer_summary(version: str, categories: tuple[str, ...], groups_env_var: str) -> str:
    extra = (f", plus categories {', '.join(categories)}" if categories
             else f", [packages] only, no dev-packages ({groups_env_var} adds categories)")
    return f"Pipenv {version} (build only): pipenv verify, then pipenv sync{extra}"


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
        f"{file} lists `dependencies` in [project].dynamic: only its build backend can tell what they are, and pycnb reads them statically.",
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


def pyproject_not_locked(file: str, nothing: bool = False) -> Warning:
    if nothing:
        return (
            f"{file} lists no dependencies",
            f"[project].dependencies in {file} is empty and there is no [build-system] to install the project with, so nothing\n"
            "is installed: the app runs with Python's standard library only.\n"
            f"If that was a mistake, list the app's dependencies there (e.g. `dependencies = [\"Django==5.2.8\"]`) and build again.",
        )
    return (
        f"The dependencies in {file} are not locked",
        f"They are resolved when the environment is made, so versions can change from build to build\n"
        f"(the environment is kept while {file}, the extra packages and the runtime are unchanged).\n"
        "Lock them for repeatable builds: `pip freeze > requirements.txt` in a fresh virtual environment, and commit it.",
    )


def committed_venv(folder: str) -> Warning:
    return (
        f"The app has a virtual environment in {folder}/",
        f"{folder}/ holds a pyvenv.cfg: a virtual environment made on another machine. The build ignores it (the app's\n"
        "packages come from the environment the build makes), but it is copied into the image as dead weight, with links\n"
        "to a Python that is not there. Add it to .gitignore and to `[_].exclude` in project.toml (or the platform's ignore file).",
    )


def venv_instead_of_dependencies(folder: str) -> BuildpackError:
    return BuildpackError(
        "No dependency file, only a committed virtual environment",
        f"The app has {folder}/ (a virtual environment) but no requirements.txt, lock file or pyproject.toml:\n"
        "a virtual environment made on another machine cannot be reused in the image.",
        [f"In that environment, run `pip freeze > requirements.txt` and commit requirements.txt.",
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


def runtime_txt_deprecated(winner: str) -> Warning:
    """`winner` is the source the version came from: runtime.txt itself, or one that overrides it."""
    if winner == "runtime.txt":
        return (
            "runtime.txt is deprecated",
            "The Python version came from runtime.txt, which Heroku and pycnb no longer recommend.\n"
            "Move the version to a .python-version file (e.g. `3.13`) and delete runtime.txt.",
        )
    return (
        "runtime.txt is deprecated",
        f"runtime.txt is ignored: the Python version comes from {winner}, and Heroku and pycnb no longer read runtime.txt first.\n"
        "Delete runtime.txt.",
    )


def conflicting_versions(selected: str, winner: "VersionRequest", other: "VersionRequest") -> Warning:
    return (
        "Python version sources disagree",
        f"Python {selected} was chosen from {winner.source} ({winner.describe()}),\n"
        f"but {other.source} asks for {other.describe()}.\n"
        f"Make them agree, or delete the one you do not use.",
    )


def python_version_unavailable(request: "VersionRequest", available: list[str], target: "Target", location: str) -> BuildpackError:
    """`available` newest first. A pin whose minor version is offered gets that minor's release and
    `X.Y` suggested; a minor that is not offered gets the nearest newer one (or the newest)."""
    listed = ", ".join(available) if available else "none"
    index = f"Versions in the runtime index {location}\nfor {target.os}/{target.arch} {target.distro_name} {target.distro_version}: {listed}"
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
            f"{request.where} asks for exactly {request.describe()}; of Python {wanted_minor} the runtime index has {', '.join(same_minor)}.\n{index}",
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


def _ask_for(request: "VersionRequest", version: str) -> str:
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
        ["Retry the build: a proxy may have cut the download short.", "If it persists, the index or its mirror serves a different file: tell its operator."],
    )


def invalid_download_setting(name: str, value: str, expected: str) -> BuildpackError:
    return BuildpackError(f"Invalid {name}", f"{name} is set to {value!r}.", [f"Set {name} to {expected}, or unset it for the default."])


def runtime_extract_failed(version: str, output: str) -> BuildpackError:
    full = "No space left on device" in output
    return BuildpackError(
        f"Unpacking Python {version} failed" + (": the disk is full" if full else ""),
        output.strip()[-1500:],
        ["Free disk space on the build machine, then build again."] if full else ["Retry the build; if it persists, report it with the build log."],
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


REQUIREMENTS_FORMAT = "https://pip.pypa.io/en/stable/reference/requirements-file-format/"


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
        f"{file}, line {line_number}: {line.strip()!r}\n{target} is already being read: it includes {file}, directly or through other files.",
        [f"Remove the include on line {line_number} of {file}: pip refuses a file that includes itself."],
    )


def empty_requirements(file: object) -> Warning:
    return (
        f"{file} lists no packages",
        f"{file} is empty or holds only comments, so nothing is installed: the app runs with Python's\n"
        "standard library only (pip accepts such a file too).\n"
        f"If that was a mistake, list the app's dependencies in {file} (e.g. `Django==5.2.8` and\n"
        f"`gunicorn==27.0.1`, or `pip freeze > {file}` in the app's virtual environment) and build again.",
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


def private_key_in_ca_binding(binding: str, entry: str) -> Warning:
    return (
        "A ca-certificates binding holds a private key",
        f"Binding {binding!r}, file {entry!r} holds a private key as well as certificates. Only the certificates are used;\n"
        "the key is not given to pip and never put in the image.\n"
        "Bind only the CA certificate (for mitmproxy, mitmproxy-ca-cert.pem, not mitmproxy-ca.pem).",
    )


def nothing_to_embed(env_var: str) -> Warning:
    return (
        f"{env_var} is set, but there are no extra CA certificates",
        f"{env_var}=true puts the certificates of ca-certificates bindings into the image; no such binding was given.\n"
        "Pass one to the build (a folder with `type` = ca-certificates and PEM files), or unset the variable.",
    )


# Installing

def venv_creation_failed(output: list[str]) -> BuildpackError:
    return BuildpackError("Cannot create the virtual environment", "\n".join(output[-20:]), ["Retry the build; if it persists, report it."])


_TLS_FIX = ("The index's certificate is not trusted. Behind a TLS-intercepting proxy, give the build its CA as a ca-certificates binding "
            "(see the README: Using the builder with pack).")
_UNREACHABLE_FIX = [
    "Check that PIP_INDEX_URL (or -i / --index-url in requirements.txt) names a reachable index, with valid credentials.",
    "Check that the build can reach it: pack build --network host, a proxy's HTTPS_PROXY, a firewall.",
    "A slow index: raise PIP_TIMEOUT (seconds, default 15 here) or PIP_RETRIES (default 2 here).",
]

# What pip's output says went wrong, in the order checked: (pattern, title, fix steps).
# `{0}` in the text is the pattern's first group.
_PIP_FAILURES = (
    (r"No space left on device", "The build ran out of disk space",
     ["Free disk space on the build machine (e.g. `docker system prune`), then build again."]),
    # pip's words for a download whose bytes differ from the hash in requirements.txt or in the index's link.
    (r"THESE PACKAGES DO NOT MATCH THE HASHES", "A downloaded package does not match its hash in the requirements or in the index {index}",
     ["If you changed a pin, regenerate the hashes (`pip-compile --generate-hashes`).",
      "If not, the index or a proxy served other bytes than it announced: retry, and tell the index's operator if it persists."]),
    (r"Hashes are required in --require-hashes mode", "A requirement has no hash, and --require-hashes needs one for every package",
     ["Generate the hashes for every package, dependencies included: `pip-compile --generate-hashes`."]),
    # Every request pip made failed at the network level, so it found no versions at all.
    (r"(?s)(?:NewConnectionError|ConnectTimeoutError|ReadTimeoutError|Read timed out|ProxyError|Max retries exceeded|Could not fetch URL \S+: (?!404)).*"
     r"No matching distribution found", "Cannot reach the package index {index}", _UNREACHABLE_FIX),
    (r"error: incomplete-download|IncompleteRead|Connection broken:|ContentDecodingError", "A download from {index} was cut short",
     ["Retry the build: the connection to the index or a proxy broke during a download.",
      "If it persists, the index serves incomplete files: tell its operator, or point PIP_INDEX_URL at a mirror."]),
    (r"Invalid requirement: '?([^'\n]*)'?", "requirements.txt has a line pip cannot read: {0}",
     ["Fix the line pip names above (the form is `name==version`, see https://pip.pypa.io/en/stable/reference/requirement-specifiers/)."]),
    (r"No matching distribution found for (\S+)", "No package matches {0}",
     ["Check the spelling and version of {0} on https://pypi.org (or on your PIP_INDEX_URL).",
      "A version may not exist for this Python version: check .python-version."]),
    (r"ResolutionImpossible|conflicting dependencies", "The requirements conflict",
     ["Change the pins pip names above so that every package's requirements can be met (pip-compile finds a set that works)."]),
    (r"pg_config executable not found", "psycopg2 needs libpq to build from source",
     ["Use `psycopg2-binary`, or build with an image that has libpq-dev (pycnb's build image has it)."]),
    (r"mysql_config|mariadb_config", "mysqlclient needs the MariaDB/MySQL client headers",
     ["Build with an image that has default-libmysqlclient-dev (pycnb's build image has it)."]),
    (r"fatal error: ([\w./-]+\.h): No such file or directory", "A package's C extension needs the header {0}",
     ["List the Debian -dev package that provides {0} in an Aptfile at the app root (find it with the \"search the contents\"\n"
      "   form of https://packages.debian.org/trixie/); pip then compiles against it and the app loads its library at run time.",
      "Or pin a version of the package that has a wheel for this Python (nothing to compile)."]),
    # An old sdist whose setup.py reads its version with `exec(...)` then `locals()["__version__"]`: PEP 667
    # (Python 3.13) made locals() in a function a snapshot that exec cannot write to. Pillow before 10.4 does it,
    # and pip compiles it because those releases have no wheel for 3.13.
    (r"(?s)\A(?=.*?KeyError: '__version__').*(?:Downloading|Using cached) (?:\S*/)?([A-Za-z0-9][A-Za-z0-9._-]*?)-(\d[^\s/]*?)\.(?:tar\.gz|zip)\b.*?KeyError: '__version__'",
     "{0} {1} cannot be built on Python 3.13 or newer",
     ["Pin a release of {0} that has a wheel for this Python (https://pypi.org/project/{0}/#files lists them; for Pillow, 10.4.0 or newer).",
      "Or build on Python 3.11 (`3.11` in .python-version), where {0} {1} builds or has a wheel."],
     "{0} {1} has no wheel for this Python, so pip builds it from source, and its setup.py fails with KeyError: '__version__'\n"
     "before compiling anything: it reads its version with exec() and locals()[\"__version__\"], which Python 3.13 changed\n"
     "(PEP 667: locals() in a function is now a snapshot exec() cannot add to)."),
)


# pip names the index it uses unless it is PyPI: "Looking in indexes: https://user:****@host/simple".
_LOOKING_IN = re.compile(r"Looking in indexes: (\S+)")
PYPI = "https://pypi.org/simple"


def pip_install_failed(output: list[str], unreachable_index: tuple[str, str] | None = None) -> BuildpackError:
    """What pip's output says went wrong; `unreachable_index` is (URL, reason) when the buildpack
    found that the index pip found no versions on does not answer."""
    if unreachable_index:
        return package_index_unreachable(*unreachable_index)
    text = "\n".join(output)
    looking_in = _LOOKING_IN.search(text)
    index = mask_url_credentials(looking_in.group(1).rstrip(",") if looking_in else PYPI)
    title, fix = "Installing the app's dependencies failed", ["Run `pip install -r requirements.txt` in a fresh virtual environment to reproduce it."]
    why = ""
    for pattern, cause, steps, *explained in _PIP_FAILURES:
        match = re.search(pattern, text)
        if match:
            found = match.groups()
            title, fix = cause.format(*found, index=index), [step.format(*found, index=index) for step in steps]
            why = "".join(explained).format(*found) + "\n\n" if explained else ""
            break
    return BuildpackError(title, why + "pip's output is above; it ends with:\n" + "\n".join(output[-12:]), fix)


def package_index_unreachable(url: str, reason: str) -> BuildpackError:
    return BuildpackError(
        f"Cannot reach the package index {mask_url_credentials(url)}",
        f"pip found no versions of the app's packages because the index did not answer:\n{mask_url_credentials(reason)}",
        ([_TLS_FIX] if "CERTIFICATE_VERIFY_FAILED" in reason else []) + _UNREACHABLE_FIX,
    )


def tool_install_failed(package: str, version: str, output: list[str]) -> BuildpackError:
    return BuildpackError(
        f"Installing {package} {version} failed",
        f"pycnb installs {package} for this build only, pinned with hashes, with the runtime's pip. pip's output ends:\n" + "\n".join(output[-15:]),
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


# SBOM

def sbom_failed(output: str) -> BuildpackError:
    return BuildpackError(
        "Cannot list the installed packages for the SBOM",
        "\n".join(output.strip().splitlines()[-20:]),
        ["Retry the build; if it persists, report it with the build log."],
    )


# App files

def app_writable(env_var: str) -> str:
    return (f"The app may add files there (a SQLite database, uploads), kept until the container restarts; it cannot change, "
            f"rename or delete the files the build wrote. {env_var}=true makes the app folder read-only.")


def app_read_only(env_var: str, value: str) -> str:
    return f"{env_var}={value}: the app cannot write anywhere in its folder at run time"
