"""A tiny PEP 503 package index on a fault server: one pure-Python wheel per project, built here."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

from .fault_server import FaultServer


def make_wheel(name: str, version: str) -> tuple[str, bytes]:
    """A valid py3-none-any wheel of an empty module `name` (dashes as underscores)."""
    module = name.replace("-", "_")
    dist_info = f"{module}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": f"VERSION = {version!r}\n",
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: pycnb-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        for path, text in files.items():
            data = text.encode()
            wheel.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{path},sha256={digest},{len(data)}")
        record.append(f"{dist_info}/RECORD,,")
        wheel.writestr(zipfile.ZipInfo(f"{dist_info}/RECORD", date_time=(1980, 1, 1, 0, 0, 0)), "\n".join(record) + "\n")
    return f"{module}-{version}-py3-none-any.whl", buffer.getvalue()


def add_project(server: FaultServer, name: str, version: str, *, mode: str = "ok", served: bytes | None = None,
                page_mode: str = "ok") -> str:
    """Publish `name==version` under /simple/; the wheel's link carries its real sha256, while the
    server may serve `served` bytes instead or misbehave (`mode`). Returns the wheel's sha256."""
    filename, wheel = make_wheel(name, version)
    sha256 = hashlib.sha256(wheel).hexdigest()
    server.add(f"/files/{filename}", served if served is not None else wheel, mode=mode)
    page = f'<!DOCTYPE html><html><body><a href="/files/{filename}#sha256={sha256}">{filename}</a></body></html>\n'
    server.add(f"/simple/{name}/", page, mode=page_mode, content_type="text/html")
    return sha256
