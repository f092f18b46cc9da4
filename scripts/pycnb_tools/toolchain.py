"""pack and the lifecycle, built from the Go module proxy at pinned versions and cached.

Nothing comes from GitHub releases: an air-gapped operator has a Go proxy mirror, not GitHub.
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
from pathlib import Path

from . import lifecycle_sbom, shell
from .errors import StepError
from .paths import cache_dir

STEP = "toolchain"
PACK_VERSION = "0.40.3"
LIFECYCLE_VERSION = "0.21.0"
LIFECYCLE_APIS = {
    "buildpack": ["0.7", "0.8", "0.9", "0.10", "0.11", "0.12"],
    "platform": ["0.7", "0.8", "0.9", "0.10", "0.11", "0.12", "0.13", "0.14", "0.15"],
}
# Every pack release from v0.36.0 replaces BurntSushi/toml in its go.mod, and `go install
# pkg@version` refuses modules with replace directives: build from a module of our own
# that repeats the replace.
PACK_MODULE = f"""module pycnb.local/pack

go 1.26

require github.com/buildpacks/pack v{PACK_VERSION}

replace github.com/BurntSushi/toml => github.com/BurntSushi/toml v1.3.2
"""
LIFECYCLE_MODULE = f"""module pycnb.local/lifecycle

go 1.26

require github.com/buildpacks/lifecycle v{LIFECYCLE_VERSION}
"""
LIFECYCLE_PHASES = ("detector", "analyzer", "restorer", "builder", "exporter", "rebaser", "creator", "extender")
# Bump when the tarball's content changes (2: the SBOMs of lifecycle and launcher), so a cached one is remade.
LIFECYCLE_TARBALL_LAYOUT = 2
GO_FIX = "install Go 1.26 or newer (https://go.dev/doc/install) and make sure the Go module proxy is reachable"


def _go_build(module_dir: Path, module: str, imports: list[str], package: str, output: Path, ldflags: str) -> None:
    module_dir.mkdir(parents=True, exist_ok=True)
    (module_dir / "go.mod").write_text(module)
    (module_dir / "tools.go").write_text("//go:build tools\n\npackage tools\n\nimport (\n" + "".join(f'\t_ "{i}"\n' for i in imports)
                                         + ")\n")
    env = {"CGO_ENABLED": "0"}
    shell.run(STEP, ["go", "mod", "tidy"], cwd=module_dir, env=env, fix=GO_FIX)
    partial = output.with_name(output.name + ".partial")
    shell.run(STEP, ["go", "build", "-trimpath", "-o", str(partial), "-ldflags", ldflags, package], cwd=module_dir, env=env, fix=GO_FIX)
    partial.rename(output)


def _require_go() -> None:
    if not shutil.which("go"):
        raise StepError(STEP, "Go is not installed (needed to build pack and the lifecycle)", GO_FIX)


def pack() -> Path:
    """The pack binary, built once per version."""
    binary = cache_dir() / "bin" / f"pack-{PACK_VERSION}"
    if not binary.exists():
        _require_go()
        shell.say(f"Building pack v{PACK_VERSION} from the Go module proxy")
        binary.parent.mkdir(parents=True, exist_ok=True)
        _go_build(
            cache_dir() / "go" / "pack", PACK_MODULE, ["github.com/buildpacks/pack"], "github.com/buildpacks/pack", binary,
            f"-s -w -X 'github.com/buildpacks/pack/pkg/client.Version={PACK_VERSION}'",
        )
    return binary


def lifecycle_tarball() -> Path:
    """The lifecycle in the tarball layout `[lifecycle] uri` in builder.toml expects, with the SBOMs of both binaries."""
    tarball = cache_dir() / "lifecycle" / f"lifecycle-v{LIFECYCLE_VERSION}+linux.x86-64.layout{LIFECYCLE_TARBALL_LAYOUT}.tgz"
    if tarball.exists():
        return tarball
    _require_go()
    shell.say(f"Building lifecycle v{LIFECYCLE_VERSION} from the Go module proxy")
    binaries = tarball.parent / f"v{LIFECYCLE_VERSION}"
    binaries.mkdir(parents=True, exist_ok=True)
    ldflags = f"-s -w -X github.com/buildpacks/lifecycle/cmd.Version={LIFECYCLE_VERSION}"
    imports = ["github.com/buildpacks/lifecycle/cmd/lifecycle", "github.com/buildpacks/lifecycle/cmd/launcher"]
    for name in ("lifecycle", "launcher"):
        if not (binaries / name).exists():
            _go_build(cache_dir() / "go" / "lifecycle", LIFECYCLE_MODULE, imports, f"github.com/buildpacks/lifecycle/cmd/{name}",
                      binaries / name, ldflags)
    _write_lifecycle_tarball(binaries, tarball, lifecycle_sbom.documents(binaries))
    return tarball


def _write_lifecycle_tarball(binaries: Path, tarball: Path, sboms: dict[str, bytes]) -> None:
    descriptor = "[apis]\n"
    for kind, versions in LIFECYCLE_APIS.items():
        descriptor += (f'[apis.{kind}]\n  deprecated = []\n'
                       f'  supported = [{", ".join(repr(v).replace(chr(39), chr(34)) for v in versions)}]\n')
    descriptor += f'[api]\n  platform = "0.7"\n  buildpack = "0.7"\n[lifecycle]\n  version = "{LIFECYCLE_VERSION}"\n'
    partial = tarball.with_name(tarball.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        def add_bytes(name: str, data: bytes, mode: int) -> None:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), mode
            archive.addfile(info, io.BytesIO(data))

        add_bytes("lifecycle.toml", descriptor.encode(), 0o644)
        directory = tarfile.TarInfo("lifecycle")
        directory.type, directory.mode = tarfile.DIRTYPE, 0o755
        archive.addfile(directory)
        for name in ("lifecycle", "launcher"):
            add_bytes(f"lifecycle/{name}", (binaries / name).read_bytes(), 0o755)
        # pack copies these into /cnb/lifecycle, where the exporter looks for them (lifecycle_sbom.py).
        for name, data in sboms.items():
            add_bytes(f"lifecycle/{name}", data, 0o644)
        for phase in LIFECYCLE_PHASES:
            link = tarfile.TarInfo(f"lifecycle/{phase}")
            link.type, link.linkname, link.mode = tarfile.SYMTYPE, "lifecycle", 0o777
            archive.addfile(link)
    os.replace(partial, tarball)
