"""The lines of the build summary and the log that describe what the build chose or did."""

from __future__ import annotations

from .common import TOOL_NAMES


def installer_summary(pins_requirements_in: bool, pip_tools_version: str) -> str:
    pinning = f"; requirements.in pinned with pip-tools {pip_tools_version}" if pins_requirements_in else ""
    return f"pip, from the runtime{pinning}"


def uv_pip_installer_summary(uv_version: str, env_var: str) -> str:
    return f"uv {uv_version} (build only, {env_var}=uv): uv pip compile, then uv pip sync"


def certificates_summary(extra: int, at_launch: bool) -> str:
    if not extra:
        return "the build image's"
    return f"{extra} file(s) from ca-certificates bindings, " + ("also at launch" if at_launch else "build only")


def kept_layers_at_build(names: list[str], program_env_var: str) -> str:
    return (f"The {' and '.join(names)} layer(s) are reused from the previous image and have no files during the build; "
            f"`python` or `${program_env_var} materialize` unpacks them from the build cache when a later step needs them")


def package_manager_summary(manager: str, files: list[str], chosen_by: str | None) -> str:
    how = f"{chosen_by}, of " if chosen_by else "from "
    return f"{TOOL_NAMES.get(manager, manager)} ({how}{', '.join(files)})"


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


def pipenv_installer_summary(version: str, categories: tuple[str, ...], groups_env_var: str) -> str:
    extra = (f", plus categories {', '.join(categories)}" if categories
             else f", [packages] only, no dev-packages ({groups_env_var} adds categories)")
    return f"Pipenv {version} (build only): pipenv verify, then pipenv sync{extra}"


def app_writable(env_var: str) -> str:
    return (f"The app may add files there (a SQLite database, uploads), kept until the container restarts; it cannot change, "
            f"rename or delete the files the build wrote. {env_var}=true makes the app folder read-only.")


def app_read_only(env_var: str, value: str) -> str:
    return f"{env_var}={value}: the app cannot write anywhere in its folder at run time"
