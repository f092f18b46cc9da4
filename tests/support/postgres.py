"""A real PostgreSQL server for the tests: Debian's package, a throwaway cluster on 127.0.0.1."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pycnb_tools.debian_apt import host_install

from .images import free_port

USER, PASSWORD = "app", "pg-test-secret-3f9c"


@dataclass
class Database:
    """One database of the server, owned by the app's user: what a test gives the app as DATABASE_URL."""

    server: "Postgres"
    name: str

    @property
    def url(self) -> str:
        return f"postgres://{USER}:{PASSWORD}@127.0.0.1:{self.server.port}/{self.name}"

    def query(self, sql: str) -> str:
        return self.server.superuser(sql, self.name)


@dataclass
class Postgres:
    port: int
    data_dir: Path

    def superuser(self, sql: str, database: str = "postgres") -> str:
        # Over the server's Unix socket as the superuser, so that tests read what the app wrote.
        return _as_postgres([_bin("psql"), "-h", str(self.data_dir.parent), "-p", str(self.port), "-U", "postgres", "-d", database,
                             "-tAc", sql]).strip()

    def create_database(self, name: str) -> Database:
        self.superuser(f"CREATE DATABASE {name} OWNER {USER}")
        return Database(self, name)

    def stop(self) -> None:
        _as_postgres([_bin("pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"])
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def _bin(name: str) -> str:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return str(versions[-1] / name)


def _as_postgres(argv: list[str]) -> str:
    return subprocess.run(["runuser", "-u", "postgres", "--", *argv], check=True, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL).stdout


def start(*, tls: bool = True) -> Postgres:
    """A server on 127.0.0.1; with tls=False it runs with `ssl = off`, as private-network databases do."""
    if not Path("/usr/lib/postgresql").is_dir():
        host_install(["postgresql"], "postgres", "install Debian's postgresql package")
    root = Path(tempfile.mkdtemp(prefix="pycnb-pg-"))
    root.chmod(0o755)
    shutil.chown(root, "postgres", "postgres")
    data, password_file = root / "data", root / "password"
    password_file.write_text(PASSWORD)
    shutil.chown(password_file, "postgres", "postgres")
    _as_postgres([_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
                  f"--pwfile={password_file}"])
    port = free_port()
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {root}"
    if tls:
        # TLS with a throwaway self-signed certificate: django-heroku connects with sslmode=require.
        key, certificate = root / "server.key", root / "server.crt"
        subprocess.run(
            ["openssl", "req", "-new", "-x509", "-days", "2", "-nodes", "-subj", "/CN=127.0.0.1",
             "-keyout", str(key), "-out", str(certificate)],
            check=True, capture_output=True,
        )
        for path in (key, certificate):
            shutil.chown(path, "postgres", "postgres")
        key.chmod(0o600)
        options += f" -c ssl=on -c ssl_cert_file={certificate} -c ssl_key_file={key}"
    else:
        # Explicit, whatever the package's postgresql.conf template says.
        options += " -c ssl=off"
    _as_postgres([_bin("pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-o", options, "-w", "start"])
    server = Postgres(port, data)
    server.superuser(f"CREATE USER {USER} PASSWORD '{PASSWORD}'")
    return server


def enable_postgis(database: Database) -> None:
    """PostGIS in `database` (Debian's postgresql-<major>-postgis-3 for the server's version, installed once)."""
    major = Path(_bin("psql")).parent.parent.name
    if not Path(f"/usr/share/postgresql/{major}/extension/postgis.control").is_file():
        host_install([f"postgresql-{major}-postgis-3"], "postgres", f"install Debian's postgresql-{major}-postgis-3 package")
    database.query("CREATE EXTENSION IF NOT EXISTS postgis")
