"""Running pack: our cached binary, its own config home, and a stable cache-volume key; and the
`pack` command a user types after the set-up, with the same home."""

from __future__ import annotations

import secrets
import shlex
from pathlib import Path

from . import shell, toolchain
from .paths import ROOT, cache_dir

STEP = "pack"
# The user's pack config, in pycnb's pack home: the builder and run images are in the local daemon,
# so pack uses them without asking a registry (pack's default, `always`, pulls the builder from
# Docker Hub first); a registry image not in the daemon is still pulled. The builder is trusted, so
# pack runs its lifecycle instead of fetching a lifecycle image.
USER_PULL_POLICY = "if-not-present"


def bin_dir() -> Path:
    """The folder holding the `pack` command: put it first on PATH."""
    return cache_dir() / "bin"


def path_line() -> str:
    return f'export PATH="{bin_dir()}:$PATH"'


def env() -> dict[str, str]:
    home = cache_dir() / "pack-home"
    home.mkdir(parents=True, exist_ok=True)
    # pack, when it finds itself inside a container, names its cache volumes from a random key
    # unless PACK_VOLUME_KEY is set: without a stable key no build would find the last one's cache.
    key_file = home / "volume-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(16))
    # PACK_HOME: our config, so the user's own pack config is untouched.
    return {"PACK_HOME": str(home), "PACK_VOLUME_KEY": key_file.read_text()}


def run(args: list[str], *, fix: str, capture: bool = False, cwd: Path = ROOT) -> str:
    return shell.run(STEP, [str(toolchain.pack()), *args], env=env(), fix=fix, capture=capture, cwd=cwd)


def install_command() -> Path:
    """`pack` in bin_dir(): our pack binary with our pack home, unless the user sets PACK_HOME."""
    home = Path(env()["PACK_HOME"])
    script = bin_dir() / "pack"
    text = (
        "#!/bin/sh\n"
        f"# pack v{toolchain.PACK_VERSION}, written by ./pycnb: pycnb's pack home (pull policy {USER_PULL_POLICY},\n"
        "# the pycnb builders trusted) unless PACK_HOME is set.\n"
        f'export PACK_HOME="${{PACK_HOME:-{home}}}"\n'
        f'if [ -z "${{PACK_VOLUME_KEY:-}}" ] && [ -f "$PACK_HOME/volume-key" ]; then '
        'PACK_VOLUME_KEY=$(cat "$PACK_HOME/volume-key"); export PACK_VOLUME_KEY; fi\n'
        f"exec {shlex.quote(str(toolchain.pack()))} \"$@\"\n"
    )
    if not script.is_file() or script.read_text() != text:
        partial = script.with_name("pack.partial")
        partial.write_text(text)
        partial.chmod(0o755)
        partial.replace(script)
    return script


def configure_for_users(builder_image: str) -> None:
    """Set pack's config so the README's `pack build ... --builder <builder_image>` works as written."""
    # Read first, write only a change: every worker and test run shares this pack home.
    if f"'{USER_PULL_POLICY}'" not in run(["config", "pull-policy"], fix="read pack's message above", capture=True):
        run(["config", "pull-policy", USER_PULL_POLICY], fix="read pack's message above", capture=True)
    trusted = run(["config", "trusted-builders", "list"], fix="read pack's message above", capture=True)
    if builder_image not in trusted.split():
        run(["config", "trusted-builders", "add", builder_image], fix="read pack's message above", capture=True)


def set_up_for_users(builder_image: str | None = None) -> Path:
    """The `pack` command on PATH, configured; prints the line that puts it there."""
    script = install_command()
    if builder_image:
        configure_for_users(builder_image)
    shell.say(f"pack for your shell: {path_line()}")
    return script
