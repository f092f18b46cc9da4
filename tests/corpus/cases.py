"""The bad-input corpus: broken apps, each with where it must fail, its exit code and the key sentence.

A case is data: a base app, the files to write over it (text, bytes, or a function that writes a
huge file), files to remove, links to make, env vars; then the buildpack to run, the phase that must
stop it, the exit code and the sentence the user must read. `test_bad_inputs.py` runs every case
through the staged buildpack as the lifecycle does; `test_bad_inputs_pack.py` runs a sample through pack.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from support.apps import EXAMPLE_APP, nest_in_backend

FileContent = str | bytes | Callable[[Path], None]

# Lines of /etc/passwd that must never reach a build log, whatever links point at it.
PASSWD_MARKERS = ("root:x:0:0", "/usr/sbin/nologin", "daemon:x:1:1")
# Given to every case's build env under a name that the log does not mask: it must still never be
# echoed, which is what a link to /proc/self/environ would do.
CANARY_ENV = {"CORPUS_CANARY": "canary-7f3d1c0e-never-echoed"}

SETTINGS = "myproject/settings.py"
# The example app pins its version in .python-version, which would win over runtime.txt and pyproject.toml.
NO_VERSION_FILE = (".python-version",)
STATIC_ROOT = "\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
# What a successful build of each buildpack leaves: the corpus's odd-but-valid inputs build.
BUILT_PYTHON_LAYERS = frozenset({"python.toml", "python-copy.toml", "venv.toml", "venv-copy.toml", "pip-cache.toml", "build-env.toml"})
BUILT_DJANGO_LAYERS = frozenset({"launch.toml", "web-concurrency.toml", "static-files.toml"})
# What a build that fails installing the app's dependencies leaves: the runtime (and its copy), pip's cache.
RUNTIME_LAYERS = frozenset({"python.toml", "python-copy.toml", "pip-cache.toml"})
def runtime_index_without_pip() -> dict[str, FileContent]:
    """An operator's runtime index (in the app, for the corpus) whose one archive has no pip in site-packages."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as compressed, tarfile.open(fileobj=compressed, mode="w") as tar:
        content = b"# a stripped runtime\n"
        member = tarfile.TarInfo("python/lib/python3.13/os.py")
        member.size = len(content)
        tar.addfile(member, io.BytesIO(content))
    archive = buffer.getvalue()
    runtime = {"version": "3.13.15", "os": "linux", "arch": "amd64", "distro": {"name": "debian", "version": "13"},
               "url": "cpython.tar.gz", "sha256": hashlib.sha256(archive).hexdigest(), "size": len(archive)}
    return {"runtimes/index.json": json.dumps({"schema_version": 1, "runtimes": [runtime]}), "runtimes/cpython.tar.gz": archive}


UTF16 = "Django==5.2.8\ngunicorn==23.0.0\n".encode("utf-16")


@dataclass(frozen=True)
class Case:
    name: str
    buildpack: str  # apt | python | django | procfile
    phase: str  # detect | build: the phase that must stop the app
    exit_code: int  # 0 for an odd input that builds, with `message` (a warning, or the line that shows it was understood)
    message: str  # the key sentence, as it appears in the output
    # example (examples/django-app) | example-nested (the same, moved into backend/ with root links to
    # manage.py and requirements.txt) | procfile (only a Procfile) | empty
    base: str = "example"
    files: dict[str, FileContent] = field(default_factory=dict)
    append: dict[str, str | bytes] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    symlinks: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    network: bool = False  # needs PyPI
    # The layer .toml files that may exist after the failure: anything else would be a layer
    # written before the input was checked, or one trusted with half its content.
    layers: frozenset[str] = frozenset()
    never: tuple[str, ...] = ()  # strings the output must not hold, besides the common ones

    def make_app(self, destination: Path) -> Path:
        if self.base in ("example", "example-nested"):
            shutil.copytree(EXAMPLE_APP, destination, ignore=shutil.ignore_patterns("__pycache__", "staticfiles"))
            if self.base == "example-nested":
                nest_in_backend(destination)
        else:
            destination.mkdir(parents=True)
            if self.base == "procfile":
                (destination / "Procfile").write_text("web: python -m http.server $PORT\n")
        for name in self.remove:
            (destination / name).unlink()
        for name, content in self.files.items():
            path = destination / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if callable(content):
                content(path)
            elif isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)
        for name, text in self.append.items():
            with (destination / name).open("ab") as file:
                file.write(text if isinstance(text, bytes) else text.encode())
        for name, target in self.symlinks.items():
            link = destination / name
            if link.exists() or link.is_symlink():
                link.unlink() if not link.is_dir() or link.is_symlink() else shutil.rmtree(link)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(target)
        return destination


def huge_requirements(path: Path) -> None:
    """50 MB: a million pinned lines, as a generated or concatenated file might be."""
    line = "".join(f"package-number-{n:07d}==1.0.{n % 97}  # generated\n" for n in range(1000))
    with path.open("w") as file:
        while file.tell() < 50 * 1024 * 1024:
            file.write(line)


def huge_procfile(path: Path) -> None:
    """10 000 lines: 9 999 processes, then a line that is not one."""
    lines = [f"process-{n}: python worker.py --queue q{n}" for n in range(1, 10000)]
    path.write_text("\n".join(lines) + "\nthis line has no colon\n")


def huge_aptfile(path: Path) -> None:
    """1 MB: a package list pasted from `dpkg -l` of a whole machine, many times over."""
    with path.open("w") as file:
        while file.tell() < 1024 * 1024:
            file.write("".join(f"libpackage-number-{n:05d}\n" for n in range(1000)))


def apt(name, message, *, phase="build", exit_code=1, base="empty", **kwargs) -> Case:
    return Case(name, "apt", phase, exit_code, message, base=base, **kwargs)


def python(name, message, *, phase="build", exit_code=1, **kwargs) -> Case:
    return Case(name, "python", phase, exit_code, message, **kwargs)


def django(name, message, *, phase="build", exit_code=1, **kwargs) -> Case:
    return Case(name, "django", phase, exit_code, message, **kwargs)


def procfile(name, message, *, phase="build", exit_code=1, base="procfile", **kwargs) -> Case:
    return Case(name, "procfile", phase, exit_code, message, base=base, **kwargs)


PYTHON_VERSION = [
    python("python-version-bad-syntax", "! .python-version, line 2: 'three-point-eleven' is not a Python version.",
           files={".python-version": "# pinned\nthree-point-eleven\n"}),
    python("python-version-runtime-txt-syntax", "! .python-version, line 1: 'python-3.13' is not a Python version.",
           files={".python-version": "python-3.13\n"}),
    python("python-version-major-only", "! .python-version, line 1: '3' is not a Python version.", files={".python-version": "3\n"}),
    python("python-version-empty", "! ERROR: No Python version in .python-version", files={".python-version": ""}),
    python("python-version-only-comments", "! ERROR: No Python version in .python-version", files={".python-version": "# 3.13\n\n"}),
    python("python-version-two-versions", "! .python-version names a version on lines 1, 2; an app runs on one Python version.",
           files={".python-version": "3.13\n3.11\n"}),
    python("python-version-unknown", "! ERROR: Python 3.99 is not available", files={".python-version": "3.99\n"}),
    python("python-version-unknown-patch", "! .python-version, line 1 asks for exactly 3.13.99; of Python 3.13 the runtime index has",
           files={".python-version": "3.13.99\n"}),
    python("python-version-unsupported-2.7", "! ERROR: Python 2.7 is not available", files={".python-version": "2.7\n"}),
    python("python-version-binary", "! ERROR: .python-version is not UTF-8 text", files={".python-version": PNG}),
    python("python-version-latin1", "! .python-version, line 2, holds bytes that are not UTF-8 text",
           files={".python-version": "3.13\n# versi\xf3n\n".encode("latin-1")}),
    python("python-version-link-to-passwd", "! ERROR: .python-version is a link to a file outside the app",
           symlinks={".python-version": "/etc/passwd"}),
    python("python-version-link-to-environ", "! ERROR: .python-version is a link to a file outside the app",
           symlinks={".python-version": "/proc/self/environ"}),
    python("runtime-txt-bad-syntax", "! runtime.txt, line 1: 'python 3.13.15' is not of the form `python-3.13.15`.",
           files={"runtime.txt": "python 3.13.15\n"}, remove=NO_VERSION_FILE),
    python("runtime-txt-bare-version", "! runtime.txt, line 1: '3.13.15' is not of the form `python-3.13.15`.",
           files={"runtime.txt": "3.13.15\n"}, remove=NO_VERSION_FILE),
    python("runtime-txt-empty", "! ERROR: Invalid Python version in runtime.txt", files={"runtime.txt": ""}, remove=NO_VERSION_FILE),
    python("runtime-txt-unsupported", "! ERROR: Python 3.8.0 is not available", files={"runtime.txt": "python-3.8.0\n"},
           remove=NO_VERSION_FILE),
    # A Celery app's pin of a minor version this index does not offer (see the README on 3.12 and 3.14).
    python("runtime-txt-minor-not-offered",
           "! runtime.txt, line 1 asks for Python 3.12.4, and the runtime index has no Python 3.12: it offers",
           files={"runtime.txt": "python-3.12.4\n"}, remove=NO_VERSION_FILE),
    python("runtime-txt-link-to-passwd", "! ERROR: runtime.txt is a link to a file outside the app",
           symlinks={"runtime.txt": "/etc/passwd"}, remove=NO_VERSION_FILE),
    python("runtime-txt-link-to-environ", "! ERROR: runtime.txt is a link to a file outside the app",
           symlinks={"runtime.txt": "/proc/self/environ"}, remove=NO_VERSION_FILE),
    python("env-var-not-a-version", "! BP_PYTHON_VERSION is set to 'latest', which is not a Python version.",
           env={"BP_PYTHON_VERSION": "latest"}),
    python("env-var-unknown-version", "! ERROR: Python 3.10 is not available", env={"BP_PYTHON_VERSION": "3.10"}),
    python("conflict-env-var-wins-but-file-is-broken", "! ERROR: Invalid Python version in .python-version",
           files={".python-version": "3.13.x\n"}, env={"BP_PYTHON_VERSION": "3.13"}),
    python("conflict-version-file-unavailable-over-runtime-txt", "! ERROR: Python 3.12 is not available",
           files={".python-version": "3.12\n", "runtime.txt": "python-3.13.15\n"}),
    python("pyproject-invalid-toml", "! ERROR: Cannot read pyproject.toml",
           files={"pyproject.toml": "[project\nrequires-python = '>=3.12'\n"}, remove=NO_VERSION_FILE),
    python("pyproject-requires-python-not-a-specifier", "! requires-python = '3.13' is not a version specifier.",
           files={"pyproject.toml": "[project]\nname = 'app'\nrequires-python = '3.13'\n"}, remove=NO_VERSION_FILE),
    python("pyproject-requires-python-a-number", "! ERROR: Invalid requires-python in pyproject.toml",
           files={"pyproject.toml": "[project]\nname = 'app'\nrequires-python = 3.13\n"}, remove=NO_VERSION_FILE),
    python("pyproject-requires-python-unavailable", "! ERROR: Python >=3.99 is not available",
           files={"pyproject.toml": "[project]\nname = 'app'\nrequires-python = '>=3.99'\n"}, remove=NO_VERSION_FILE),
    python("pyproject-project-not-a-table", "! ERROR: Invalid [project] table in pyproject.toml",
           files={"pyproject.toml": "project = 'my-app'\n"}, remove=NO_VERSION_FILE),
    python("pyproject-binary", "! ERROR: pyproject.toml is not UTF-8 text", files={"pyproject.toml": PNG}, remove=NO_VERSION_FILE),
]

REQUIREMENTS = [
    # pip installs nothing from these and succeeds: the build warns, in case it was a mistake, and goes on.
    python("requirements-empty", "! WARNING: requirements.txt lists no packages", exit_code=0, files={"requirements.txt": ""},
           layers=BUILT_PYTHON_LAYERS),
    python("requirements-only-comments", "! WARNING: requirements.txt lists no packages", exit_code=0,
           files={"requirements.txt": "# Django==5.2.8\n\n"}, layers=BUILT_PYTHON_LAYERS),
    # pip opens `-r base.txt` beside the link (./base.txt), not beside the file it points to.
    python("requirements-link-include-beside-target", "backend/base.txt exists there",
           files={"backend/requirements.txt": "-r base.txt\n", "backend/base.txt": "Django==5.2.8\n"},
           symlinks={"requirements.txt": "backend/requirements.txt"}),
    python("requirements-link-into-subfolder-to-passwd", "! ERROR: requirements.txt is a link to a file outside the app",
           symlinks={"backend/requirements.txt": "/etc/passwd", "requirements.txt": "backend/requirements.txt"}),
    python("requirements-include-loop", "! ERROR: Requirements files include each other in a loop",
           files={"requirements.txt": "-r base.txt\n", "base.txt": "Django==5.2.8\n-r requirements.txt\n"}),
    python("requirements-in-syntax-error", "! requirements.in, line 1: 'Django>>5.2' is not a requirement",
           remove=("requirements.txt",), files={"requirements.in": "Django>>5.2\n"}),
    python("requirements-misspelt", "! ERROR: Found requirments.txt, expected requirements.txt",
           remove=("requirements.txt",), files={"requirments.txt": "Django==5.2.8\n"}),
    python("requirements-a-folder", "", phase="detect", exit_code=100,
           remove=("requirements.txt",), files={"requirements.txt/README": "x\n"}),
    python("requirements-syntax-error", "! requirements.txt, line 2: 'Django=>5.2' is not a requirement",
           files={"requirements.txt": "gunicorn==23.0.0\nDjango=>5.2\n"}),
    python("requirements-unclosed-extras", "! requirements.txt, line 1: 'Django[argon2==5.2.8' is not a requirement",
           files={"requirements.txt": "Django[argon2==5.2.8\n"}),
    python("requirements-unknown-option", "! requirements.txt, line 1: pip does not know the option --no-such-option",
           files={"requirements.txt": "--no-such-option\nDjango==5.2.8\n"}),
    python("requirements-nested-missing-include", "! requirements/base.txt, line 2: '-r common.txt'",
           files={"requirements.txt": "-r requirements/base.txt\n", "requirements/base.txt": "Django==5.2.8\n-r common.txt\n"}),
    python("requirements-missing-constraints", "! ERROR: A requirements include is missing",
           files={"requirements.txt": "-c constraints.txt\nDjango\n"}),
    python("requirements-include-escapes-app", "! ERROR: A requirements include points outside the app",
           files={"requirements.txt": "-r ../secrets/requirements.txt\n"}),
    python("requirements-include-absolute-passwd", "! requirements.txt, line 1: '-r /etc/passwd'",
           files={"requirements.txt": "-r /etc/passwd\n"}),
    python("requirements-include-link-out", "! ERROR: A requirements include points outside the app",
           files={"requirements.txt": "-r base.txt\n"}, symlinks={"base.txt": "/etc/passwd"}),
    python("requirements-editable-missing-path",
           "! requirements.txt, line 2: '-e ./libs/mylib' names ./libs/mylib, which is not in the app",
           files={"requirements.txt": "Django==5.2.8\n-e ./libs/mylib\n"}),
    python("requirements-editable-outside-app", "! ERROR: A requirements line installs a folder outside the app",
           files={"requirements.txt": "-e ../shared-lib\n"}),
    python("requirements-local-path-absolute", "! ERROR: A requirements line installs a folder outside the app",
           files={"requirements.txt": "/opt/wheels/mylib\n"}),
    python("requirements-latin1", "! requirements.txt, line 2, holds bytes that are not UTF-8 text",
           files={"requirements.txt": "Django==5.2.8\n# d\xe9pendances\n".encode("latin-1")}),
    python("requirements-utf16", "! ERROR: requirements.txt is not UTF-8 text", files={"requirements.txt": UTF16}),
    python("requirements-binary", "! ERROR: requirements.txt is not UTF-8 text", files={"requirements.txt": PNG}),
    python("requirements-included-file-binary", "! ERROR: requirements/base.txt is not UTF-8 text",
           files={"requirements.txt": "-r requirements/base.txt\n", "requirements/base.txt": PNG}),
    python("requirements-link-to-passwd", "! ERROR: requirements.txt is a link to a file outside the app",
           symlinks={"requirements.txt": "/etc/passwd"}),
    python("requirements-link-to-environ", "! ERROR: requirements.txt is a link to a file outside the app",
           symlinks={"requirements.txt": "/proc/self/environ"}),
    python("requirements-huge-50mb", "! ERROR: requirements.txt is too large", files={"requirements.txt": huge_requirements}),
    python("runtime-index-missing", "! ERROR: Cannot read the Python runtime index",
           env={"BP_PYTHON_RUNTIME_INDEX": "/nonexistent/index.json"}),
    python("runtime-index-a-folder", "! Reading /tmp failed: is a directory", env={"BP_PYTHON_RUNTIME_INDEX": "/tmp"}),
    python("runtime-archive-without-pip", "! ERROR: The Python 3.13.15 runtime archive has no pip",
           files=runtime_index_without_pip(), env={"BP_PYTHON_RUNTIME_INDEX": "/workspace/runtimes/index.json"}),
    python("runtime-index-is-passwd", "! ERROR: The Python runtime index is not valid", env={"BP_PYTHON_RUNTIME_INDEX": "/etc/passwd"}),
    python("requirements-forbidden-env-var", "! ERROR: Env vars that break the install are set", env={"PIP_TARGET": "/tmp/site"}),
    python("requirements-package-not-on-index", "! ERROR: No package matches pycnb-corpus-no-such-package-4c1e",
           files={"requirements.txt": "pycnb-corpus-no-such-package-4c1e==1.0\n"}, network=True,
           layers=RUNTIME_LAYERS),
    python("requirements-version-conflict", "! ERROR: The requirements conflict",
           files={"requirements.txt": "Django==5.2.8\nasgiref==3.6.0\n"}, network=True, layers=RUNTIME_LAYERS),
    python("requirements-hash-mismatch", "! ERROR: A downloaded package does not match its hash in the requirements",
           files={"requirements.txt": "--require-hashes\nsix==1.17.0 --hash=sha256:" + "0" * 64 + "\n"},
           network=True, layers=RUNTIME_LAYERS),
    # An old Pillow pin on the default Python (the example app's 3.13): no wheel, and its setup.py fails on 3.13.
    python("requirements-old-sdist-on-python-313", "! ERROR: Pillow 9.5.0 cannot be built on Python 3.13 or newer",
           files={"requirements.txt": "Django==5.2.8\ngunicorn==23.0.0\nPillow==9.5.0\n"}, network=True, layers=RUNTIME_LAYERS),
]

NO_REQUIREMENTS = ("requirements.txt",)
PYPROJECT_PROJECT = "[project]\nname = 'app'\nversion = '1.0'\n"
# What `poetry lock` (Poetry 2.5.1) writes for PYPROJECT_PROJECT: no dependencies, and the content-hash of that pyproject.toml.
POETRY_LOCK = (
    "# This file is automatically @generated by Poetry 2.5.1 and should not be changed by hand.\npackage = []\n\n[metadata]\n"
    'lock-version = "2.1"\npython-versions = "*"\ncontent-hash = "115cf985d932e9bf5f540555bbdd75decbb62cac81e399375fc19f6277f8c1d8"\n'
)
# A Poetry 1 project as `poetry init` writes it (a readme it does not create), its package the example app's
# myproject/, built with poetry-core<2; and what `poetry lock` (Poetry 2.5.1) writes for it.
PYPROJECT_POETRY_1 = (
    '[tool.poetry]\nname = "myproject"\nversion = "0.1.0"\ndescription = ""\nauthors = ["A User <user@example.com>"]\n'
    'readme = "README.md"\n\n[tool.poetry.dependencies]\npython = ">=3.11"\n\n[build-system]\n'
    'requires = ["poetry-core>=1.0.0,<2.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n'
)
POETRY_1_LOCK = (
    "# This file is automatically @generated by Poetry 2.5.1 and should not be changed by hand.\npackage = []\n\n[metadata]\n"
    'lock-version = "2.1"\npython-versions = ">=3.11"\ncontent-hash = "1d1aeb46f29959994043b0e716c24eb2803261665aa7ccc87b9bc6747c381ce0"\n'
)
# The layers a build that stops in `poetry sync` leaves: the runtime, Poetry's build-only layer and the caches.
# The network cases share one layers folder, in order: a tool's checks that fail after it is installed
# may find the build-only layers of the cases before them, never an environment (venv.toml).
BUILT_TOOL_LAYERS = frozenset({"python.toml", "python-copy.toml", "pip-cache.toml", "uv.toml", "uv-cache.toml", "poetry.toml",
                               "poetry-cache.toml", "pipenv.toml", "pipenv-cache.toml"})

PIPFILE = "[packages]\ndjango = '*'\n"


def pipfile_lock(spec: int = 6, requires: dict | None = None, **packages: dict) -> str:
    """A Pipfile.lock for PIPFILE as Pipenv writes it (its `_meta.hash` is the hash Pipenv computes), with `packages` added."""
    from python_buildpack.package_managers import pipenv

    default = {"django": {"hashes": ["sha256:" + "0" * 64], "index": "pypi", "version": "==5.2.8"}, **packages}
    meta = {"hash": {"sha256": pipenv.pipfile_hash(PIPFILE)}, "pipfile-spec": spec, "requires": requires or {},
            "sources": pipenv.DEFAULT_SOURCES}
    return json.dumps({"_meta": meta, "default": default, "develop": {}}, indent=4) + "\n"


PACKAGE_MANAGERS = [
    python("manager-several", "! ERROR: The app has files of several package managers",
           files={"uv.lock": "version = 1\n", "poetry.lock": "", "pyproject.toml": PYPROJECT_PROJECT}),
    python("manager-several-lists-them", "!   uv.lock (uv)", files={"uv.lock": "version = 1\n", "pyproject.toml": PYPROJECT_PROJECT}),
    python("manager-env-var-unknown", "! BP_PYTHON_PACKAGE_MANAGER is set to 'conda', which is not a package manager pycnb knows.",
           env={"BP_PYTHON_PACKAGE_MANAGER": "conda"}),
    python("manager-env-var-not-present", "! ERROR: BP_PYTHON_PACKAGE_MANAGER=uv, but the app has no uv.lock",
           env={"BP_PYTHON_PACKAGE_MANAGER": "uv"}),
    python("uv-lock-without-pyproject", "! ERROR: uv.lock has no pyproject.toml beside it", remove=NO_REQUIREMENTS,
           files={"uv.lock": "version = 1\n"}),
    python("uv-lock-invalid", "! ERROR: uv.lock cannot be read", remove=NO_REQUIREMENTS,
           files={"uv.lock": "version = 1\n[[package]\n", "pyproject.toml": PYPROJECT_PROJECT}),
    python("uv-lock-from-newer-uv", "! ERROR: uv.lock was written by a newer uv than pycnb installs with", remove=NO_REQUIREMENTS,
           files={"uv.lock": "version = 2\n", "pyproject.toml": PYPROJECT_PROJECT}),
    python("uv-required-version", "! ERROR: The project requires uv ==0.1.0; pycnb installs with uv", remove=NO_REQUIREMENTS,
           files={"uv.lock": "version = 1\n", "pyproject.toml": PYPROJECT_PROJECT + "[tool.uv]\nrequired-version = '==0.1.0'\n"}),
    python("uv-path-source-outside-app", "! ERROR: uv.lock takes shared from a folder outside the app", remove=NO_REQUIREMENTS,
           files={"uv.lock": "version = 1\n[[package]]\nname = 'shared'\nversion = '1.0'\nsource = { editable = '../shared' }\n",
                  "pyproject.toml": PYPROJECT_PROJECT}),
    python("uv-runtime-outside-requires-python", "! ERROR: Python 3.11.2 does not satisfy the project's requires-python (>=3.12)",
           remove=NO_REQUIREMENTS, files={"uv.lock": "version = 1\n", ".python-version": "3.11\n",
                                          "pyproject.toml": PYPROJECT_PROJECT + "requires-python = '>=3.12'\n"}),
    python("uv-forbidden-env-var", "These env vars would make uv install outside the app's virtual environment", remove=NO_REQUIREMENTS,
           files={"uv.lock": "version = 1\n", "pyproject.toml": PYPROJECT_PROJECT}, env={"UV_PROJECT_ENVIRONMENT": "/tmp/elsewhere"}),
    python("pyproject-project-outside-requires-python", "! ERROR: Python 3.11.2 does not satisfy the project's requires-python (>=3.12)",
           remove=NO_REQUIREMENTS, files={".python-version": "3.11\n", "pyproject.toml": PYPROJECT_PROJECT
                                          + "requires-python = '>=3.12'\ndependencies = ['six']\n"
                                            "[build-system]\nrequires = ['setuptools']\n"}),
    python("uv-lock-stale", "! ERROR: uv.lock is out of date", remove=NO_REQUIREMENTS, network=True,
           files={"uv.lock": "version = 1\nrevision = 3\nrequires-python = '>=3.11'\n\n"
                             "[[package]]\nname = 'app'\nversion = '1.0'\nsource = { virtual = '.' }\n",
                  "pyproject.toml": PYPROJECT_PROJECT + "requires-python = '>=3.11'\ndependencies = ['six']\n"},
           layers=BUILT_TOOL_LAYERS),
    python("installer-env-var-unknown", "! ERROR: BP_PYTHON_INSTALLER is set to 'poetry', which is not an installer pycnb knows",
           env={"BP_PYTHON_INSTALLER": "poetry"}),
    python("uv-invalid-group-name", "! ERROR: BP_PYTHON_INSTALL_GROUPS names an invalid group 'docs;rm'", remove=NO_REQUIREMENTS,
           files={"uv.lock": "version = 1\n", "pyproject.toml": PYPROJECT_PROJECT}, env={"BP_PYTHON_INSTALL_GROUPS": "docs;rm"}),
    python("poetry-lock-without-pyproject", "! ERROR: poetry.lock has no pyproject.toml beside it", remove=NO_REQUIREMENTS,
           files={"poetry.lock": POETRY_LOCK}),
    python("poetry-lock-invalid", "! ERROR: poetry.lock cannot be read", remove=NO_REQUIREMENTS,
           files={"poetry.lock": "[[package]\n", "pyproject.toml": PYPROJECT_PROJECT}),
    python("poetry-lock-without-lock-version", "! poetry.lock is not valid: it has no [metadata] table", remove=NO_REQUIREMENTS,
           files={"poetry.lock": "package = []\n", "pyproject.toml": PYPROJECT_PROJECT}),
    python("poetry-lock-from-newer-poetry", "! ERROR: poetry.lock was written by a newer Poetry than pycnb installs with",
           remove=NO_REQUIREMENTS, files={"poetry.lock": POETRY_LOCK.replace('"2.1"', '"3.0"'), "pyproject.toml": PYPROJECT_PROJECT}),
    python("poetry-requires-poetry", "! ERROR: The project requires Poetry >=3.0; pycnb installs with Poetry", remove=NO_REQUIREMENTS,
           files={"poetry.lock": POETRY_LOCK, "pyproject.toml": PYPROJECT_PROJECT + "\n[tool.poetry]\nrequires-poetry = '>=3.0'\n"}),
    python("poetry-path-source-outside-app", "! ERROR: poetry.lock takes shared from a folder outside the app", remove=NO_REQUIREMENTS,
           files={"poetry.lock": "[[package]]\nname = 'shared'\nversion = '1.0'\n"
                                 "[package.source]\ntype = 'directory'\nurl = '../shared'\n\n"
                                 + POETRY_LOCK, "pyproject.toml": PYPROJECT_PROJECT}),
    python("poetry-runtime-outside-python-constraint",
           "! ERROR: Python 3.11.2 does not satisfy the project's tool.poetry.dependencies.python (^3.12)", remove=NO_REQUIREMENTS,
           files={"poetry.lock": POETRY_LOCK, ".python-version": "3.11\n",
                  "pyproject.toml": "[tool.poetry]\nname = 'app'\nversion = '1.0'\n\n[tool.poetry.dependencies]\npython = '^3.12'\n"}),
    python("poetry-forbidden-env-var", "These env vars would make Poetry install outside the app's virtual environment",
           remove=NO_REQUIREMENTS,
           files={"poetry.lock": POETRY_LOCK, "pyproject.toml": PYPROJECT_PROJECT}, env={"POETRY_VIRTUALENVS_IN_PROJECT": "true"}),
    python("poetry-unknown-group", "! ERROR: BP_PYTHON_INSTALL_GROUPS names groups the project does not have: docs", remove=NO_REQUIREMENTS,
           files={"poetry.lock": POETRY_LOCK, "pyproject.toml": PYPROJECT_PROJECT}, env={"BP_PYTHON_INSTALL_GROUPS": "docs"}),
    # Poetry's own checks, after it is installed in its build-only layer: nothing reaches the environment's layer.
    python("poetry-stale-lock", "! ERROR: poetry.lock is out of date", remove=NO_REQUIREMENTS,
           files={"poetry.lock": POETRY_LOCK, "pyproject.toml": PYPROJECT_PROJECT + "dependencies = ['six']\n"},
           network=True, layers=BUILT_TOOL_LAYERS),
    python("poetry-no-package-folder", "! ERROR: Poetry found no package to install for the project itself", remove=NO_REQUIREMENTS,
           files={"poetry.lock": POETRY_LOCK, "pyproject.toml": PYPROJECT_PROJECT}, network=True, layers=BUILT_TOOL_LAYERS),
    python("poetry-readme-missing", "! ERROR: Poetry could not install the project itself", remove=NO_REQUIREMENTS,
           files={"poetry.lock": POETRY_1_LOCK, "pyproject.toml": PYPROJECT_POETRY_1}, network=True, layers=BUILT_TOOL_LAYERS),
    python("pipenv-lock-invalid", "! ERROR: Pipfile.lock cannot be read", remove=NO_REQUIREMENTS,
           files={"Pipfile.lock": "<<<<<<< HEAD\n{}\n", "Pipfile": PIPFILE}),
    python("pipenv-lock-without-pipfile", "! ERROR: Pipfile.lock without Pipfile", remove=NO_REQUIREMENTS,
           files={"Pipfile.lock": pipfile_lock()}),
    python("pipenv-lock-stale", "! ERROR: Pipfile.lock is out of date", remove=NO_REQUIREMENTS,
           files={"Pipfile.lock": pipfile_lock(), "Pipfile": PIPFILE + "gunicorn = '*'\n"}),
    python("pipenv-lock-from-newer-pipenv", "! ERROR: Pipfile.lock was written by a newer Pipenv than pycnb installs with",
           remove=NO_REQUIREMENTS, files={"Pipfile.lock": pipfile_lock(spec=7), "Pipfile": PIPFILE}),
    python("pipenv-path-source-outside-app", "! ERROR: Pipfile.lock takes shared from a folder outside the app", remove=NO_REQUIREMENTS,
           files={"Pipfile.lock": pipfile_lock(shared={"editable": True, "path": "../shared"}), "Pipfile": PIPFILE}),
    python("pipenv-forbidden-env-var", "These env vars would make Pipenv install outside the app's virtual environment",
           remove=NO_REQUIREMENTS,
           files={"Pipfile.lock": pipfile_lock(), "Pipfile": PIPFILE}, env={"PIPENV_VENV_IN_PROJECT": "1"}),
    python("pipenv-runtime-not-the-lock-python",
           "! ERROR: Python 3.13.15 is not the Python Pipfile.lock was locked for (python_version 3.11)",
           remove=NO_REQUIREMENTS, files={"Pipfile.lock": pipfile_lock(requires={"python_version": "3.11"}), "Pipfile": PIPFILE}),
    python("pipenv-lock-python-invalid", "! ERROR: Invalid Python version in Pipfile.lock", remove=(*NO_REQUIREMENTS, *NO_VERSION_FILE),
           files={"Pipfile.lock": pipfile_lock(requires={"python_version": "latest"}), "Pipfile": PIPFILE}),
    python("pipenv-unknown-category", "! ERROR: BP_PYTHON_INSTALL_GROUPS names 'docs', which Pipfile.lock does not have",
           remove=NO_REQUIREMENTS,
           files={"Pipfile.lock": pipfile_lock(), "Pipfile": PIPFILE}, env={"BP_PYTHON_INSTALL_GROUPS": "docs"}),
    # The env var picks a tool among several: uv's own check of the project runs, not pip's.
    python("manager-env-var-picks-uv", "! ERROR: The project requires uv ==0.1.0; pycnb installs with uv",
           files={"uv.lock": "version = 1\n", "pyproject.toml": PYPROJECT_PROJECT + "[tool.uv]\nrequired-version = '==0.1.0'\n"},
           env={"BP_PYTHON_PACKAGE_MANAGER": "uv"}),
    python("manager-pipfile-without-lock", "! ERROR: Pipfile without Pipfile.lock", remove=NO_REQUIREMENTS,
           files={"Pipfile": "[packages]\n"}),
    python("manager-pdm", "! ERROR: PDM is not supported", remove=NO_REQUIREMENTS,
           files={"pdm.lock": "", "pyproject.toml": "[tool.pdm]\n"}),
    python("manager-setup-py", "! ERROR: setup.py alone does not declare the app's dependencies to pycnb",
           remove=NO_REQUIREMENTS, files={"setup.py": "from setuptools import setup\nsetup(install_requires=['Django'])\n"}),
    python("manager-setup-cfg", "! ERROR: setup.cfg alone does not declare the app's dependencies to pycnb",
           remove=NO_REQUIREMENTS, files={"setup.cfg": "[options]\ninstall_requires = Django\n"}),
    python("manager-poetry-project-without-lock", "! ERROR: pyproject.toml is a Poetry project without poetry.lock",
           remove=NO_REQUIREMENTS, files={"pyproject.toml": "[tool.poetry]\nname = 'app'\n"}),
    python("manager-pyproject-without-project", "! ERROR: pyproject.toml declares no dependencies",
           remove=NO_REQUIREMENTS, files={"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}),
    python("manager-pyproject-dynamic-dependencies", "! ERROR: The dependencies in pyproject.toml are dynamic",
           remove=NO_REQUIREMENTS, files={"pyproject.toml": PYPROJECT_PROJECT + "dynamic = ['dependencies']\n"}),
    python("manager-pyproject-bad-dependency", "! [project].dependencies in pyproject.toml: 'Django>>5' is not a requirement:",
           remove=NO_REQUIREMENTS, files={"pyproject.toml": PYPROJECT_PROJECT + "dependencies = ['Django>>5']\n"}),
    python("manager-pyproject-dependency-injects-a-line", "! ERROR: pyproject.toml has a dependency pip cannot read",
           remove=NO_REQUIREMENTS, files={"pyproject.toml": PYPROJECT_PROJECT + "dependencies = ['Django\\n-r /etc/passwd']\n"}),
    # A lock-free project without dependencies builds (nothing to install), with a warning.
    python("manager-pyproject-no-dependencies", "! WARNING: pyproject.toml lists no dependencies", exit_code=0,
           remove=NO_REQUIREMENTS, files={"pyproject.toml": PYPROJECT_PROJECT}, layers=BUILT_PYTHON_LAYERS),
    python("manager-only-a-venv", "! ERROR: No dependency file, only a committed virtual environment",
           remove=NO_REQUIREMENTS, files={".venv/pyvenv.cfg": "home = /usr/bin\n"}),
    python("manager-no-python-file", "", phase="detect", exit_code=100, remove=NO_REQUIREMENTS, files={"venv/bin/python": ""}),
    # A venv committed beside requirements.txt is ignored: the build goes on and says to exclude it.
    python("manager-committed-venv", "! WARNING: The app has a virtual environment in venv/", exit_code=0,
           files={"requirements.txt": "", "venv/pyvenv.cfg": "home = /usr/bin\n"}, layers=BUILT_PYTHON_LAYERS),
    # A Pipfile without its lock names no tool: pip installs requirements.txt, and the build says so.
    python("manager-pipfile-without-lock-beside-requirements", "! WARNING: The Pipfile is not used: it has no Pipfile.lock", exit_code=0,
           files={"requirements.txt": "", "Pipfile": PIPFILE}, layers=BUILT_PYTHON_LAYERS),
]

PROCFILE = [
    procfile("procfile-no-colon", "! ERROR: Invalid Procfile: line 2 is not a process definition",
             files={"Procfile": "web: gunicorn myproject.wsgi\nworker celery -A myproject worker\n"}),
    procfile("procfile-bad-name-character", "'/' cannot be part of a process name", files={"Procfile": "web/1: gunicorn myproject.wsgi\n"}),
    procfile("procfile-empty-command", "! ERROR: Invalid Procfile: the `web` process has no command", files={"Procfile": "web:\n"}),
    procfile("procfile-empty", "! ERROR: The Procfile defines no processes", files={"Procfile": ""}),
    procfile("procfile-only-comments", "! ERROR: The Procfile defines no processes", files={"Procfile": "# web: gunicorn app\n\n"}),
    procfile("procfile-latin1", "! ERROR: Invalid Procfile: it is not UTF-8 text",
             files={"Procfile": "web: echo caf\xe9\n".encode("latin-1")}),
    procfile("procfile-utf16", "! ERROR: Invalid Procfile: it contains a NUL byte",
             files={"Procfile": "web: gunicorn app\n".encode("utf-16")}),
    procfile("procfile-binary", "! ERROR: Invalid Procfile: it contains a NUL byte", files={"Procfile": PNG}),
    procfile("procfile-a-folder", "! ERROR: The Procfile is not a file", base="empty", files={"Procfile/web": "x\n"}),
    procfile("procfile-broken-link", "! ERROR: The Procfile is not a file", base="empty", symlinks={"Procfile": "Procfile.missing"}),
    procfile("procfile-link-to-passwd", "! ERROR: The Procfile is a link to a file outside the app", symlinks={"Procfile": "/etc/passwd"}),
    procfile("procfile-link-to-environ", "! ERROR: The Procfile is a link to a file outside the app",
             symlinks={"Procfile": "/proc/self/environ"}),
    procfile("procfile-10000-lines", "! ERROR: Invalid Procfile: line 10000 is not a process definition",
             files={"Procfile": huge_procfile}),
]

DJANGO = [
    django("django-no-manage-py", "pycnb/django: Django is declared but manage.py is missing",
           phase="detect", exit_code=100, remove=("manage.py",)),
    # With no manage.py at the top, the only one one folder down is the project: with two, detect names them.
    django("django-several-manage-py-one-folder-down", "several folders hold one (api/manage.py, web/manage.py); set BP_DJANGO_MANAGE_PY",
           phase="detect", exit_code=100, remove=("manage.py",), files={"api/manage.py": "", "web/manage.py": ""}),
    django("django-manage-py-outside-app", "pycnb/django: /etc/passwd leads outside the app, so it is not read",
           phase="detect", exit_code=100, env={"BP_DJANGO_MANAGE_PY": "/etc/passwd"}),
    django("django-manage-py-link-to-passwd", "pycnb/django: manage.py leads outside the app, so it is not read",
           phase="detect", exit_code=100, symlinks={"manage.py": "/etc/passwd"}),
    django("django-manage-py-link-chain-to-passwd", "pycnb/django: manage.py leads outside the app, so it is not read",
           phase="detect", exit_code=100, base="example-nested", symlinks={"backend/manage.py": "/etc/passwd"}),
    # The backend/frontend layout builds: the project is imported from backend/, as `python manage.py` does.
    django("django-nested-behind-links", "web: exec gunicorn myproject.wsgi:application --bind 0.0.0.0:${PORT:-8000} (in backend/)",
           exit_code=0, base="example-nested", layers=BUILT_DJANGO_LAYERS),
    django("django-settings-module-a-file-path", "! ERROR: The settings module 'myproject/settings.py' is not a Python module path",
           env={"DJANGO_SETTINGS_MODULE": "myproject/settings.py"}),
    # Detect stays quiet and quick: the Python buildpack's build explains these files.
    django("django-detect-huge-requirements", "", phase="detect", exit_code=100, files={"requirements.txt": huge_requirements}),
    django("django-detect-requirements-link-to-passwd", "", phase="detect", exit_code=100, symlinks={"requirements.txt": "/etc/passwd"}),
    django("django-no-settings-default", "! ERROR: Cannot tell which settings module the app uses",
           files={"manage.py": "import sys\nfrom django.core.management import execute_from_command_line\n"
                  "execute_from_command_line(sys.argv)\n"}),
    django("django-settings-module-unimportable",
           "! ERROR: Importing the settings failed: the settings module myproject.settingz cannot be imported",
           env={"DJANGO_SETTINGS_MODULE": "myproject.settingz"}),
    django("django-settings-syntax-error", "! ERROR: Importing the settings failed: a syntax error in settings.py, line 124",
           append={SETTINGS: "\nDEBUG = = True\n"}),
    # CPython skips the bytes of a comment, so the Latin-1 text is in a string.
    django("django-settings-not-utf8", "! ERROR: Importing the settings failed: a syntax error in settings.py, line 124",
           append={SETTINGS: "\nSITE_NAME = 'r\xe9glages'\n".encode("latin-1")}),
    django("django-settings-needs-env-var",
           "! ERROR: Importing the settings failed: the settings need DATABASE_URL, which is not set at build time",
           append={SETTINGS: "\nimport os\nDATABASE_URL = os.environ['DATABASE_URL']\n"}),
    django("django-settings-import-missing-package",
           "! ERROR: Importing the settings failed: the app imports celery, which is not installed",
           append={SETTINGS: "\nimport celery\n"}),
    django("django-settings-improperly-configured",
           "! ERROR: Importing the settings failed: Django says the settings are improperly configured",
           append={SETTINGS: "\nINSTALLED_APPS = INSTALLED_APPS + ['django.contrib.admin']\n"}),
    # GeoDjango with no GDAL anywhere, as with a builder that has no pycnb/apt (pycnb/django alone here): the
    # error names the builder to use, or the settings lines for a GDAL installed some other way.
    django("django-geodjango-no-gdal", "GeoDjango cannot find the GDAL library",
           files={"places/__init__.py": "", "places/models.py": "from django.contrib.gis.db import models\n\n\n"
                  "class Place(models.Model):\n    location = models.PointField()\n"},
           append={SETTINGS: "\nINSTALLED_APPS += ['django.contrib.gis', 'places']\n"}),
    django("django-settings-raise", "! ERROR: Importing the settings failed",
           append={SETTINGS: "\nraise RuntimeError('settings refuse to load')\n"}),
    django("django-bad-wsgi-application", "! ERROR: WSGI_APPLICATION points to a module that does not exist: myproject.wsgy.application",
           append={SETTINGS: "\nWSGI_APPLICATION = 'myproject.wsgy.application'\n"}),
    django("django-static-root-outside-app", "! ERROR: STATIC_ROOT is outside the app",
           append={SETTINGS: "\nSTATIC_ROOT = '/tmp/static'\n"}),
    # What the app writes at run time is read from the settings: a MEDIA_ROOT outside the app builds (on
    # Heroku it would work, on the dyno's disk), with a warning naming the setting and the fix.
    django("django-media-root-outside-app", "! WARNING: MEDIA_ROOT is outside the app: the app cannot save uploads there at run time",
           exit_code=0, append={SETTINGS: "\nMEDIA_ROOT = '/var/www/media'\n"}, layers=BUILT_DJANGO_LAYERS),
    django("django-media-root-needs-env-var",
           "! ERROR: Importing the settings failed: the settings need MEDIA_ROOT, which is not set at build time",
           append={SETTINGS: "\nimport os\nMEDIA_ROOT = os.environ['MEDIA_ROOT']\n"}),
    django("django-databases-entry-a-url", "! ERROR: Importing the settings failed",
           append={SETTINGS: "\nDATABASES['old'] = 'sqlite:///old.db'\n"}),
    django("django-settings-unimportable-collectstatic-off", "only the app folder is writable",
           exit_code=0, env={"DISABLE_COLLECTSTATIC": "1"},
           append={SETTINGS: "\nraise RuntimeError('settings refuse to load')\n"}, layers=BUILT_DJANGO_LAYERS),
    # A Procfile that runs collectstatic at launch gets STATIC_ROOT replaceable, except where that would open the code,
    # or where the app is read-only: each builds, with a warning naming the cause and the fix.
    django("django-collectstatic-at-launch-static-root-holds-code",
           "! WARNING: STATIC_ROOT (myproject) holds the app's code (myproject/settings.py), "
           "so collectstatic in the Procfile's web process cannot rewrite it",
           exit_code=0, files={"Procfile": "web: python manage.py collectstatic --noinput && gunicorn myproject.wsgi\n"},
           append={SETTINGS: "\nSTATIC_ROOT = BASE_DIR / 'myproject'\n"}, layers=BUILT_DJANGO_LAYERS),
    django("django-collectstatic-at-launch-read-only",
           "! WARNING: collectstatic in the Procfile's web process will fail with this static files storage and BP_APP_READ_ONLY=true",
           exit_code=0, env={"BP_APP_READ_ONLY": "true"},
           files={"Procfile": "web: python manage.py collectstatic --noinput && gunicorn myproject.wsgi\n"},
           append={SETTINGS: STATIC_ROOT + "STORAGES = {'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},\n"
                   "            'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n"},
           layers=BUILT_DJANGO_LAYERS),
    django("collectstatic-improperly-configured", "! ERROR: collectstatic failed: Django says the settings are improperly configured",
           append={SETTINGS: STATIC_ROOT + "STATIC_URL = ''\n"}),
    django("collectstatic-system-check", "! ERROR: collectstatic failed: Django's system checks found errors",
           append={SETTINGS: STATIC_ROOT + "STATICFILES_DIRS = [STATIC_ROOT]\n"}),
    django("collectstatic-missing-static-file", "! ERROR: collectstatic failed: a static file is referenced but missing: img/missing.png",
           files={"static/css/site.css": "body { background: url('../img/missing.png'); }\n"},
           append={SETTINGS: STATIC_ROOT + "STATICFILES_DIRS = [BASE_DIR / 'static']\n"
                   "STORAGES = {'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},\n"
                   "            'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n"}),
    django("collectstatic-storage-not-installed", "! ERROR: collectstatic failed: the app imports storages, which is not installed",
           append={SETTINGS: STATIC_ROOT + "STORAGES = {'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},\n"
                   "            'staticfiles': {'BACKEND': 'storages.backends.s3.S3Storage'}}\n"}),
]

# The apt cases that need the Debian index run with the network; the rest are refused before any download.
APT_INDEX_LAYERS = frozenset({"apt-cache.toml"})
APT = [
    apt("apt-unknown-package", "! ERROR: No package libmagik1 in Debian trixie",
        files={"Aptfile": "libpq5\nlibmagik1\n"}, network=True, layers=APT_INDEX_LAYERS),
    # A virtual name with several providers: trixie has two libcurl-dev providers, and apt too refuses to pick.
    apt("apt-virtual-several-providers", "! ERROR: libcurl-dev is a virtual package: name one of the packages that provide it",
        files={"Aptfile": "libjpeg-dev\nlibcurl-dev\n"}, network=True, layers=APT_INDEX_LAYERS),
    apt("apt-other-suite", "! ERROR: Invalid Aptfile: libssl1.1/bullseye is not from the stack's suite",
        files={"Aptfile": "libmagic1\nlibssl1.1/bullseye\n"}),
    apt("apt-shell-characters", "! ERROR: Invalid Aptfile: line 1 holds the shell character '&'",
        files={"Aptfile": "libmagic1 && curl -fsSL http://example.com/install.sh | sh\n"}),
    apt("apt-option", "! ERROR: Invalid Aptfile: line 2 is an option, not a package",
        files={"Aptfile": "libmagic1\n--no-install-recommends\n"}),
    apt("apt-url", "! ERROR: Invalid Aptfile: line 1 is a URL",
        files={"Aptfile": "https://github.com/wkhtmltopdf/packaging/releases/download/0.12.6.1-3/wkhtmltox_0.12.6.1-3.bookworm_amd64.deb\n"}),
    apt("apt-several-words", "! ERROR: Invalid Aptfile: line 1 holds more than one word", files={"Aptfile": "apt-get install libmagic1\n"}),
    apt("apt-too-large", "! ERROR: The Aptfile is too large", files={"Aptfile": huge_aptfile}),
    apt("apt-libc", "! ERROR: libc6 would replace the run image's C library", files={"Aptfile": "libmagic1\nlibc6\n"}),
    apt("apt-link-to-passwd", "! ERROR: The Aptfile is a link to a file outside the app", symlinks={"Aptfile": "/etc/passwd"}),
    apt("apt-utf16", "! ERROR: Invalid Aptfile: it contains a NUL byte", files={"Aptfile": "libmagic1\n".encode("utf-16")}),
    apt("apt-bad-mirror", "! ERROR: Invalid BP_APT_MIRROR", files={"Aptfile": "libmagic1\n"},
        env={"BP_APT_MIRROR": "ftp.debian.org/debian"}),
]

# A web app without a Procfile or manage.py: the Python buildpack reads its source for an app object
# (web_process.py). A file it cannot parse or read is skipped and named; the build goes on, warning.
WEB_PROCESS = [
    python("web-process-app-syntax-error", "!   app.py, line 2: '(' was never closed (skipped)", exit_code=0, base="empty",
           files={"requirements.txt": "", "app.py": "from flask import Flask\napp = Flask(__name__\n"}, layers=BUILT_PYTHON_LAYERS),
    python("web-process-app-link-to-passwd", "!   app.py: app.py is a link to a file outside the app (skipped)", exit_code=0, base="empty",
           files={"requirements.txt": ""}, symlinks={"app.py": "/etc/passwd"}, layers=BUILT_PYTHON_LAYERS),
    python("web-process-app-binary", "!   main.py: main.py is not UTF-8 text (skipped)", exit_code=0, base="empty",
           files={"requirements.txt": "", "main.py": PNG}, layers=BUILT_PYTHON_LAYERS),
]

CASES = APT + PYTHON_VERSION + REQUIREMENTS + PACKAGE_MANAGERS + PROCFILE + DJANGO + WEB_PROCESS
