"""The README's `pack build myapp ...` lines work as written after the set-up (`./pycnb builder` or
`./pycnb demo`): `pack` is found on the PATH line ./pycnb prints, with the pull policy and trusted
builder that let it build offline from the local daemon."""

import os
import re
import subprocess

import pytest

from pycnb_tools import pack
from support.apps import ROOT
from support.images import remove_image_and_cache, unique_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

README = ROOT / "README.md"
README_BUILDER = "pycnb/builder:trixie"


def readme_pack_builds() -> list[str]:
    """Every `pack build myapp ...` command line of the README, in code blocks or inline code."""
    text = README.read_text()
    lines = re.findall(r"^(pack build myapp [^`\n#]*)", text, re.M) + re.findall(r"`(pack build myapp [^`\n]*)`", text)
    return list(dict.fromkeys(line.strip() for line in lines))


def readme_path_line() -> str:
    """The README's `export PATH=...` line."""
    match = re.search(r"^(export PATH=\S+)", README.read_text(), re.M)
    assert match, "the README says how to put pack on PATH"
    return match.group(1)


def test_the_readme_names_the_line_pycnb_prints():
    # The README uses $HOME; ./pycnb prints the folder it resolved (PYCNB_CACHE_DIR or ~/.cache/pycnb).
    assert readme_path_line() == 'export PATH="$HOME/.cache/pycnb/bin:$PATH"'
    assert pack.path_line() == f'export PATH="{pack.bin_dir()}:$PATH"'


def test_readme_pack_build_lines_work_after_the_set_up(docker_client, builder_image, tmp_path):
    pack.set_up_for_users(builder_image)
    commands = readme_pack_builds()
    assert len(commands) >= 2 and any("--pull-policy" not in command for command in commands), commands
    # An app that needs nothing from PyPI: this machine's build containers reach it only through
    # --network host and the proxy's CA, which the README's lines do not pass.
    app = tmp_path / "myapp"
    app.mkdir()
    (app / "requirements.txt").write_text("")
    (app / "Procfile").write_text("web: python -m http.server $PORT\n")
    env = {name: value for name, value in os.environ.items() if name not in ("PACK_HOME", "PACK_VOLUME_KEY")}
    shell_setup = readme_path_line().replace("$HOME/.cache/pycnb", str(pack.bin_dir().parent))
    image = unique_image("readme")
    try:
        found = subprocess.run(["bash", "-c",
                                f"{shell_setup} && command -v pack && pack config pull-policy && pack config trusted-builders list"],
                               env=env, capture_output=True, text=True)
        assert found.returncode == 0, found.stderr
        assert found.stdout.splitlines()[0] == str(pack.bin_dir() / "pack")
        assert f"'{pack.USER_PULL_POLICY}'" in found.stdout and builder_image in found.stdout
        for command in commands:
            # Only the names change: the image (unique, builds share one daemon) and this work tree's builder.
            line = command.replace(README_BUILDER, builder_image).replace("pack build myapp", f"pack build {image}", 1)
            result = subprocess.run(["bash", "-c", f"{shell_setup} && {line}"], cwd=tmp_path if "--path" in line else app,
                                    env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
            assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"
            assert f"Successfully built image '{image}'" in result.stdout
    finally:
        remove_image_and_cache(docker_client, image)
