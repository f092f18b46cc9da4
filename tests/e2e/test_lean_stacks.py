"""The stack images are lean the way Debian's slim images are (no apt caches or lists, no docs but
copyrights, no manuals, no translations, and later apt installs skip them too), and still work: the
run image has what apps load at run time, the build image still compiles and links C."""

import pytest

from pycnb_tools import stacks

pytestmark = [pytest.mark.docker]

STACK = stacks.TRIXIE
IMAGES = {"base": stacks.BASE_IMAGE, "build": STACK.build_image, "run": STACK.run_image}
# Prints one line per leftover file; nothing when the image is lean. dpkg keeps the symbolic links
# in /usr/share/doc (a package's doc folder linked to another's) because a copyright file could be
# under them, as in Debian's slim images: they hold no documentation.
LEFTOVERS = r"""
ls -d /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin 2>/dev/null
find /var/lib/apt/lists ! -type d
find /usr/share/doc -type f ! -name copyright
find /usr/share/man /usr/share/info /usr/share/groff ! -type d 2>/dev/null
find /usr/share/locale ! -type d ! -path /usr/share/locale/locale.alias
true
"""
RUN_LIBRARIES = ("libpq.so.5", "libmariadb.so.3", "libssl.so.3", "libcrypto.so.3", "libffi.so.8", "libsqlite3.so.0", "libz.so.1",
                 "libbz2.so.1.0", "liblzma.so.5", "libuuid.so.1", "libjpeg.so.62", "libxml2.so", "libxslt.so.1")
# Everything CPython's extension modules and common Django dependencies link against, with LTO as CPython's recipe uses.
PROGRAM = r"""
#include <bzlib.h>
#include <ffi.h>
#include <libpq-fe.h>
#include <lzma.h>
#include <openssl/ssl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <uuid/uuid.h>
#include <zlib.h>
int main(void) {
    uuid_t id;
    uuid_generate(id);
    printf("linked %s %s %s %s %d %s\n", OpenSSL_version(OPENSSL_VERSION), sqlite3_libversion(), zlibVersion(),
           lzma_version_string(), PQlibVersion() > 0, BZ2_bzlibVersion());
    return 0;
}
"""
COMPILE = (
    f"cd /tmp && cat > probe.c <<'END'\n{PROGRAM}\nEND\n"
    "gcc -O2 -flto -o probe probe.c $(pkg-config --cflags --libs libffi openssl sqlite3 zlib liblzma uuid libpq) -lbz2 && ./probe && "
    "printf 'int main(){return 0;}' > probe.cc && g++ -o probe-cc -x c++ probe.cc && ./probe-cc && "
    "make --version | head -n 1 && gcc-ar --version | head -n 1"
)


@pytest.fixture(scope="module")
def stack_images(docker_client):
    """The stack's images, built (or found up to date) by the tooling."""
    stacks.build_images(docker_client)
    return IMAGES


def run(docker_client, image: str, script: str, *, user: str = "0", **kwargs) -> str:
    container = docker_client.containers.run(image, ["bash", "-c", script], user=user, detach=True, **kwargs)
    try:
        status = container.wait(timeout=600)["StatusCode"]
        output = container.logs().decode()
    finally:
        container.remove(force=True)
    assert status == 0, output
    return output


@pytest.mark.parametrize("kind", ["base", "build", "run"])
def test_the_image_holds_no_apt_caches_docs_manuals_or_translations(docker_client, stack_images, kind):
    assert run(docker_client, stack_images[kind], LEFTOVERS) == ""


@pytest.mark.parametrize("kind", ["base", "build", "run"])
def test_copyright_files_stay(docker_client, stack_images, kind):
    listed = run(docker_client, stack_images[kind],
                 "ls /usr/share/doc/bash/copyright /usr/share/doc/libc6/copyright /usr/share/doc/tzdata/copyright 2>&1 || true")
    expected = (["/usr/share/doc/bash/copyright", "/usr/share/doc/libc6/copyright"]
                + ([] if kind == "base" else ["/usr/share/doc/tzdata/copyright"]))
    assert all(path in listed.split() for path in expected), listed


def test_the_run_and_build_images_are_within_their_size_budgets(docker_client, stack_images):
    sizes = {kind: docker_client.images.get(stack_images[kind]).attrs["Size"] for kind in ("run", "build")}
    assert sizes["run"] <= 110_000_000 and sizes["build"] <= 500_000_000, sizes


def test_later_apt_installs_skip_docs_and_leave_no_caches(docker_client, stack_images):
    # The base's dpkg and apt configuration, as in Debian's slim images: what an app's own Dockerfile
    # (or a stack built on ours) installs stays lean too.
    script = ("export DEBIAN_FRONTEND=noninteractive; "
              "apt-get update -qq && apt-get install -qq -y --no-install-recommends jq >/dev/null && " + LEFTOVERS)
    found = run(docker_client, stack_images["base"], script.replace("find /var/lib/apt/lists ! -type d\n", ""), network_mode="host")
    assert found == ""
    assert "jq-" in run(docker_client, stack_images["base"], "apt-get update -qq && apt-get install -qq -y jq >/dev/null && jq --version",
                        network_mode="host")


def test_the_run_image_has_what_apps_load_and_its_user(docker_client, stack_images):
    libraries = run(docker_client, stack_images["run"], "ldconfig -p")
    assert [name for name in RUN_LIBRARIES if name not in libraries] == []
    checks = run(docker_client, stack_images["run"], (
        "id -u; id -un; echo $BASH_VERSION | cut -c1; "
        "test -s /etc/ssl/certs/ca-certificates.crt && echo ca-ok; "
        "TZ=Europe/Paris date +%Z; locale -a | grep -ix c.utf8; LANG=C.UTF-8 bash -c 'printf \"%s\\n\" \"é\"'"
    ), user="")
    found = checks.split()
    assert found[:4] == ["1000", "app", "5", "ca-ok"], checks
    assert found[4] in ("CET", "CEST") and found[5].lower() == "c.utf8" and found[6] == "é", checks


def test_the_build_image_still_compiles_and_links_c_against_the_stack_headers(docker_client, stack_images):
    output = run(docker_client, stack_images["build"], COMPILE, user="")
    assert "linked OpenSSL 3." in output and "GNU Make" in output, output
