"""pip for the build only: one zip file made from the runtime archive's own pip, kept out of the image.

The runtime archive installs pip into site-packages: about 1,000 files and 13 MB that every app image
would carry and a cold build would create twice (unpacking the runtime, then loading the image).
Heroku leaves pip out of the app image too (heroku/buildpacks-python#264): an app that needs pip at
run time lists it in its requirements. Here the runtime is unpacked without pip, and the same pip
goes into a zip app kept in the runtime's build copy (`python-copy`). A `.pth` file in the runtime's
site-packages names that zip, so `python -m pip` works wherever the copy is (every build step that
installs), and nowhere else: at launch the path does not exist and Python skips it.

The zip holds pip's files as they are (pip runs some of its sources as scripts, such as the build
backend hooks) and the archive's own bytecode beside each module, as `name.pyc`, where zipimport looks
for it, so pip starts as fast as from site-packages. The bytecode is marked unchecked (PEP 552): zip
entries keep their times only to two seconds, so zipimport would find timestamped bytecode stale and
compile every module again. `python <zip>` runs pip too, as pip itself does when it starts another
interpreter (`--python`, build isolation).
"""

from __future__ import annotations

import re
import tarfile
import zipfile
from pathlib import Path

ZIPAPP_NAME = "pip.pyz"
PTH_NAME = "pycnb-build-pip.pth"
# GNU tar patterns (matched against the archive's member names) for pip's files in the runtime archive.
ARCHIVE_EXCLUDES = ("python/lib/python3*/site-packages/pip", "python/lib/python3*/site-packages/pip-*.dist-info",
                    "python/bin/pip*")
_PIP_MEMBER = re.compile(r"^python/lib/python3\.(\d+)/site-packages/(pip/.+)$")
_BYTECODE = re.compile(r"^(?P<folder>.*?)__pycache__/(?P<module>[^/.]+)\.cpython-(?P<tag>\d+)\.pyc$")
# PEP 552: magic number, flags, then a timestamp and size or a source hash; 16 bytes in all.
_HEADER_SIZE = 16
_UNCHECKED_HASH_BASED = 0b01
_MAIN = b"""import sys
from pip._internal.cli.main import main
sys.exit(main())
"""


class PipMissing(Exception):
    """The runtime archive has no pip in site-packages."""


def write(archive: Path, zipapp: Path) -> None:
    """Write the zip app of the pip in `archive` (a runtime archive) to `zipapp`, replacing it whole."""
    files: dict[str, bytes] = {}
    bytecode: dict[str, bytes] = {}
    with tarfile.open(archive, "r|*") as tar:
        for member in tar:
            match = _PIP_MEMBER.match(member.name)
            if not match or not member.isfile():
                continue
            minor, name = match.groups()
            content = tar.extractfile(member).read()  # type: ignore[union-attr]
            compiled = _BYTECODE.match(name)
            if compiled is None:
                files[name] = content
            elif compiled["tag"] == f"3{minor}" and len(content) > _HEADER_SIZE:
                bytecode[f"{compiled['folder']}{compiled['module']}.pyc"] = _unchecked(content)
    if "pip/__init__.py" not in files:
        raise PipMissing(f"{archive.name} has no pip in site-packages")
    partial = zipapp.with_name(zipapp.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as zip_file:
        zip_file.writestr("__main__.py", _MAIN)
        for name, content in sorted({**files, **bytecode}.items()):
            zip_file.writestr(name, content)
    partial.replace(zipapp)


def _unchecked(bytecode: bytes) -> bytes:
    """The same bytecode with a PEP 552 header that says: hash-based, not checked against the source."""
    return bytecode[:4] + _UNCHECKED_HASH_BASED.to_bytes(4, "little") + bytes(8) + bytecode[_HEADER_SIZE:]


def link(runtime: Path, zipapp: Path) -> None:
    """Make the runtime's `python -m pip` find pip in `zipapp` while that file exists."""
    for site_packages in runtime.glob("lib/python3*/site-packages"):
        (site_packages / PTH_NAME).write_text(f"{zipapp}\n", encoding="utf-8")
