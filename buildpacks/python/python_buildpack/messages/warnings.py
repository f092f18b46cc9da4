"""Warnings: what the build went on with but the user should fix, each as (title, body ending with the fix)."""

from __future__ import annotations

from cnb.log import mask_url_credentials

from .common import TOOL_NAMES, VersionAsked, Warning, short


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


def lock_newer_minor(lock: str, tool: str, found: str, ours: str, supported: str) -> Warning:
    name = TOOL_NAMES[tool]
    return (
        f"{lock} was written by a newer {name}",
        f"{lock} says `{short(found)}`; {name} {ours}, which pycnb installs with, writes `{supported}`. It reads the lock,\n"
        f"but may miss what the newer format adds. Lock with {name} {ours} (`{tool} lock`) to be sure of what is installed.",
    )


def lock_index_differs(lock: str, lock_indexes: list[str], build_index: str, env_vars: tuple[str, ...]) -> Warning:
    return (
        f"{lock} was locked against another package index than this build's",
        f"The lock's packages come from {', '.join(mask_url_credentials(url) for url in lock_indexes)}; "
        f"{' or '.join(env_vars)} gives the build {mask_url_credentials(build_index)}. uv will read the lock as out of date. "
        "Lock against the index the build uses, or declare the index in pyproject.toml ([[tool.uv.index]]).",
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


def conflicting_versions(selected: str, winner: VersionAsked, other: VersionAsked) -> Warning:
    return (
        "Python version sources disagree",
        f"Python {selected} was chosen from {winner.source} ({winner.describe()}),\n"
        f"but {other.source} asks for {other.describe()}.\n"
        f"Make them agree, or delete the one you do not use.",
    )


def empty_requirements(file: object) -> Warning:
    return (
        f"{file} lists no packages",
        f"{file} is empty or holds only comments, so nothing is installed: the app runs with Python's\n"
        "standard library only (pip accepts such a file too).\n"
        f"If that was a mistake, list the app's dependencies in {file} (e.g. `Django==5.2.8` and\n"
        f"`gunicorn==27.0.1`, or `pip freeze > {file}` in the app's virtual environment) and build again.",
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
