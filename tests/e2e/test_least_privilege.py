"""Least privilege: the build runs as the build image's user, the app as the run image's user, which
cannot change the app's code or its installed packages; nothing in our layers is world-writable."""

import re
import stat

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import image_contents, pack_build, remove_image_and_cache, run_image, unique_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

BUILD_USER = 1001  # the build image's CNB_USER_ID
RUN_USER = 1000  # the run image's
# Printed by the settings when manage.py collectstatic imports them at build time, so the log shows who ran it.
PROBE = 'import os\nprint(f"pycnb-probe: uid={os.getuid()} euid={os.geteuid()} gid={os.getgid()}")\nSTATIC_ROOT = BASE_DIR / "staticfiles"\n'
VENV = "/layers/pycnb_python/venv"
RUNTIME = "/layers/pycnb_python/python"
# Writes the run user must not be able to make, each a shell command run in the running app's container.
WRITES = {
    "change the app's code": "echo '# changed' >> /workspace/myproject/settings.py",
    "add a file to the app": "touch /workspace/added.py",
    "replace the app's package": "mv /workspace/myproject /workspace/moved",
    "delete the Procfile": "rm /workspace/Procfile",
    "change collected static files": "echo changed >> $(find /workspace/staticfiles -type f -name '*.css' | head -n 1)",
    "add a static file": "touch /workspace/staticfiles/added.css",
    "change an installed package": f"echo '# changed' >> {VENV}/lib/python3.13/site-packages/django/__init__.py",
    "add a package": f"mkdir {VENV}/lib/python3.13/site-packages/evil",
    "add a .pth file": f"touch {VENV}/lib/python3.13/site-packages/evil.pth",
    "replace the venv's python": f"rm {VENV}/bin/python",
    "change the runtime": f"echo '# changed' >> {RUNTIME}/lib/python3.13/os.py",
    "add to the runtime's bin": f"touch {RUNTIME}/bin/evil",
    "change the launch config": "echo x >> /layers/config/metadata.toml",
}


@pytest.fixture(scope="module")
def built(docker_client, builder_image, tmp_path_factory):
    app = copy_app(EXAMPLE_APP, tmp_path_factory.mktemp("least-privilege") / "app")
    settings = app / "myproject" / "settings.py"
    settings.write_text(settings.read_text() + PROBE)
    image = unique_image("least-privilege")
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    yield image, result.log
    remove_image_and_cache(docker_client, image)


def test_the_build_runs_as_the_build_images_non_root_user(built):
    _, log = built
    probes = re.findall(r"pycnb-probe: uid=(\d+) euid=(\d+) gid=(\d+)", log)
    assert probes, log
    assert set(probes) == {(str(BUILD_USER), str(BUILD_USER), str(BUILD_USER))}
    # pack made the app folder world-writable; the build says it took that away.
    assert "- Removed write access for other users (the run image's user among them) from the app folder\n" in log


def test_the_app_runs_as_the_run_images_user_who_cannot_change_code_or_packages(docker_client, built):
    image, _ = built
    with run_image(docker_client, image) as running:
        assert running.get("/")[0] == 200
        container = running.container
        ids = container.exec_run(["bash", "-c", "stat -c %u /proc/1; id -u; id -g"]).output.decode().split()
        assert ids == [str(RUN_USER)] * 3
        refused = {}
        for what, command in WRITES.items():
            code, output = container.exec_run(["bash", "-c", command])
            refused[what] = (code != 0 and "Permission denied" in output.decode(), output.decode().strip())
        # Nothing changed: the app still answers the same.
        assert running.get("/")[0] == 200
    assert {what: ok for what, (ok, _) in refused.items()} == dict.fromkeys(WRITES, True), refused


def test_no_world_writable_files_in_the_app_or_its_layers(docker_client, built, tmp_path):
    image, _ = built
    writable, owners, seen = [], set(), 0
    for where, entry, _ in image_contents(docker_client, image, tmp_path / "image.tar"):
        name = entry.name.lstrip("./") if entry else ""
        if not entry or not name.startswith(("layers", "workspace")):
            continue  # the run image's own files (its /tmp is sticky and world-writable by design)
        seen += 1
        owners.add((entry.uid, entry.gid))
        if not entry.issym() and entry.mode & stat.S_IWOTH:
            writable.append(f"{name} {stat.filemode(entry.mode | (stat.S_IFDIR if entry.isdir() else stat.S_IFREG))}")
    assert seen > 1000  # the runtime, the environment and the app were scanned
    assert writable == []
    # Everything the build wrote belongs to the build user, never root, and the run user owns none of it.
    assert owners == {(BUILD_USER, BUILD_USER)}
