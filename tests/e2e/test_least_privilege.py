"""Least privilege: the build runs as the build image's user, the app as the run image's user, which
cannot change the app's code or its installed packages; nothing in our layers is world-writable, and in
the app only the folders it writes to are, sticky like /tmp (none at all with BP_APP_READ_ONLY=true).
The example app's Procfile does not run collectstatic, so its STATIC_ROOT stays read-only too; an app
whose Procfile does gets STATIC_ROOT replaceable, and test_writable_app.py holds it to exactly that."""

import re
import stat

import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import image_contents, pack_build, remove_image_and_cache, run_image, unique_image

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

BUILD_USER = 1001  # the build image's CNB_USER_ID
RUN_USER = 1000  # the run image's
# Printed by the settings when manage.py collectstatic imports them at build time, so the log shows who ran it.
PROBE = ('import os\nprint(f"pycnb-probe: uid={os.getuid()} euid={os.geteuid()} gid={os.getgid()}")\n'
         'STATIC_ROOT = BASE_DIR / "staticfiles"\n')
VENV = "/layers/pycnb_python/venv"
RUNTIME = "/layers/pycnb_python/python"
# Writes the run user must not be able to make, each a shell command run in the running app's container.
WRITES = {
    "change the app's code": "echo '# changed' >> /workspace/myproject/settings.py",
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
    "replace the app's code with a new file": "echo x > /workspace/new.py && mv -f /workspace/new.py /workspace/manage.py",
}
# What only the strict layout (BP_APP_READ_ONLY=true) refuses: by default the app may add files to its folder.
STRICT_WRITES = {
    "add a file to the app": "touch /workspace/added.py",
    "create a SQLite database":
        f"{VENV}/bin/python -c \"import sqlite3; sqlite3.connect('/workspace/db.sqlite3').execute('create table t (x)')\"",
}
# How the kernel says no: no write access, or (unlink and rename in a sticky folder, of a file
# someone else owns) EPERM; SQLite's words for the former.
REFUSALS = ("Permission denied", "Operation not permitted", "unable to open database file")
# The folders the app may create files in by default, as `docker save` shows them: sticky, like /tmp.
WRITABLE = ["workspace drwxrwxrwt"]


def build(docker_client, tmp_path_factory, purpose, env=None):
    app = copy_app(EXAMPLE_APP, tmp_path_factory.mktemp(purpose) / "app")
    settings = app / "myproject" / "settings.py"
    settings.write_text(settings.read_text() + PROBE)
    image = unique_image(purpose)
    result = pack_build(image, app, env=env)
    assert result.returncode == 0, result.log
    return image, result.log


@pytest.fixture(scope="module")
def built(docker_client, builder_image, tmp_path_factory):
    image, log = build(docker_client, tmp_path_factory, "least-privilege")
    yield image, log
    remove_image_and_cache(docker_client, image)


@pytest.fixture(scope="module")
def strict(docker_client, builder_image, tmp_path_factory):
    """The same app built with the app folder read-only at run time."""
    image, log = build(docker_client, tmp_path_factory, "least-privilege-strict", {"BP_APP_READ_ONLY": "true"})
    yield image, log
    remove_image_and_cache(docker_client, image)


def test_the_build_runs_as_the_build_images_non_root_user(built):
    _, log = built
    probes = re.findall(r"pycnb-probe: uid=(\d+) euid=(\d+) gid=(\d+)", log)
    assert probes, log
    assert set(probes) == {(str(BUILD_USER), str(BUILD_USER), str(BUILD_USER))}
    # pack made the app folder world-writable; the build made it sticky, and says so.
    assert "- Writable at run time: /workspace (the app folder, sticky), ./ (SQLite database default)\n" in log


def test_the_strict_build_says_it_took_the_app_folders_write_access_away(strict):
    _, log = strict
    assert "- Removed write access for other users (the run image's user among them) from the app folder\n" in log
    assert "Writable at run time" not in log


def refusals(docker_client, image, writes):
    with run_image(docker_client, image) as running:
        assert running.get("/")[0] == 200
        container = running.container
        ids = container.exec_run(["bash", "-c", "stat -c %u /proc/1; id -u; id -g"]).output.decode().split()
        assert ids == [str(RUN_USER)] * 3
        refused = {}
        for what, command in writes.items():
            code, output = container.exec_run(["bash", "-c", command])
            refused[what] = (code != 0 and any(reason in output.decode() for reason in REFUSALS), output.decode().strip())
        # Nothing changed: the app still answers the same.
        assert running.get("/")[0] == 200
    return refused


def test_the_app_runs_as_the_run_images_user_who_cannot_change_code_or_packages(docker_client, built):
    image, _ = built
    refused = refusals(docker_client, image, WRITES)
    assert {what: ok for what, (ok, _) in refused.items()} == dict.fromkeys(WRITES, True), refused


def test_with_the_strict_switch_the_app_cannot_even_add_a_file(docker_client, strict):
    image, _ = strict
    writes = {**WRITES, **STRICT_WRITES}
    refused = refusals(docker_client, image, writes)
    assert {what: ok for what, (ok, _) in refused.items()} == dict.fromkeys(writes, True), refused


@pytest.mark.parametrize(("layout", "allowed"), [("built", WRITABLE), ("strict", [])])
def test_no_world_writable_files_in_the_app_or_its_layers(request, docker_client, layout, allowed, tmp_path):
    image, _ = request.getfixturevalue(layout)
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
    assert writable == allowed
    # Everything the build wrote belongs to the build user, never root, and the run user owns none of it.
    assert owners == {(BUILD_USER, BUILD_USER)}
