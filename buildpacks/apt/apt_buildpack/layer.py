"""The `apt` layer: the unpacked packages, reused while its key holds.

The key is what was asked for (the Aptfile's and the build plan's packages), the suite, the
architecture and the run image's record: with the same inputs the same suite gives the same
packages, so a rebuild with no change downloads nothing, not even the index. A Debian point
release reaches the layer when one of those inputs changes.

Like pycnb/python's environment (docs/design/layer-reuse.md), the layer is launch-only, kept from the
previous image with no files, with a one-file copy `apt-copy`. Later buildpacks get its build-time
environment (PATH, LD_LIBRARY_PATH, compiler and pkg-config paths) from the build-only layer `apt-env`,
and its files, when a step needs them, through the state `apt-env` publishes (cnb.reuse.publish).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from cnb.layers import CacheDecision, Layer, Layers
from cnb.reuse import STATE_FILE, LayerPlan, ReusableLayer, ReuseDecision, State, publish

LAYER_NAME = "apt"
CACHE_LAYER_NAME = "apt-cache"
BUILD_ENV_LAYER_NAME = "apt-env"
# Bump when the layout of the layer changes, to discard every cached one.
# 2: find_library links; 3: links to the image's libraries (unpack.relocate); 4: launch-only with a copy.
LAYER_SCHEMA = 4
ENV_FOLDERS = ("env", "env.build")
MULTIARCH = {"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}
# Data files some libraries look for at a path compiled in (/usr/...), and the variable that moves it.
DATA_PATHS = {
    "MAGIC": "usr/lib/file/magic.mgc",  # libmagic (file(1)); python-magic
    "GDAL_DATA": "usr/share/gdal",
    "PROJ_DATA": "usr/share/proj",  # PROJ >= 9.1; PROJ_LIB before
}


# Libraries that apps load by a path from the environment: GeoDjango's settings of the same names
# (https://docs.djangoproject.com/en/5.2/ref/contrib/gis/install/geolibs/#gdal-library-path), for apps
# whose settings read them from the environment, as Heroku's GDAL docs have them do. GeoDjango needs no
# such lines when its plan entry asks for find_library (find_library.py); these keep the old ones working.
LIBRARY_FILES = {"GDAL_LIBRARY_PATH": "libgdal.so.*", "GEOS_LIBRARY_PATH": "libgeos_c.so.*"}


@dataclass(frozen=True)
class AptMetadata:
    layer_schema: int
    suite: str
    arch: str
    packages: list[str]
    run_image: str
    installed: list[str] = field(default_factory=list)  # "name version", for the log of a reused layer
    bytes: int = 0
    find_library: list[str] = field(default_factory=list)  # libraries linked for ctypes.util.find_library
    # The layer's env files for build time ({file name: content}), given to later buildpacks by `apt-env`.
    build_env: dict[str, str] = field(default_factory=dict)


def decide(restored: dict, wanted: AptMetadata) -> CacheDecision:
    """Every reason the cached layer is not what `wanted` describes."""
    if not restored:
        return CacheDecision(cached=False)
    reasons = []
    if restored.get("layer_schema") != wanted.layer_schema:
        reasons.append("pycnb/apt lays out its layer differently now")
    if (restored.get("suite"), restored.get("arch")) != (wanted.suite, wanted.arch):
        reasons.append(f"the suite or architecture changed ({restored.get('suite')} {restored.get('arch')} "
                       f"to {wanted.suite} {wanted.arch})")
    before = list(restored.get("packages", []))
    if before != wanted.packages:
        added = [name for name in wanted.packages if name not in before]
        removed = [name for name in before if name not in wanted.packages]
        changes = ([f"added {', '.join(added)}"] if added else []) + ([f"removed {', '.join(removed)}"] if removed else []) or ["reordered"]
        reasons.append("the packages asked for changed (" + "; ".join(changes) + ")")
    if list(restored.get("find_library", [])) != wanted.find_library:
        reasons.append(f"the libraries for find_library changed ({', '.join(restored.get('find_library', [])) or 'none'} "
                       f"to {', '.join(wanted.find_library) or 'none'})")
    if restored.get("run_image") != wanted.run_image:
        reasons.append("the run image's packages changed")
    return CacheDecision(cached=True, reasons=tuple(reasons))


def plan(layers: Layers, wanted: AptMetadata) -> LayerPlan[AptMetadata]:
    """Keep, unpack or install; a reused layer's metadata (what was installed, its env) is the copy's."""
    layer = ReusableLayer(layers, LAYER_NAME)
    restored = layer.restore()
    cache = CacheDecision.untrusted(restored.copy_problems) if restored.copy_problems else decide(restored.copy, wanted)
    if cache.reuse:
        return LayerPlan(layer, AptMetadata(**restored.copy), ReuseDecision.of(restored, restored.copy, cache))
    return LayerPlan(layer, wanted, ReuseDecision.of(restored, asdict(wanted), cache))


def recorded_build_env(layer: Layer) -> dict[str, str]:
    """The env files set_env wrote that apply at build time, by name."""
    return {path.name: path.read_text(encoding="utf-8")
            for folder in ENV_FOLDERS if (layer.path / folder).is_dir() for path in sorted((layer.path / folder).iterdir())}


def write_build_env(layers: Layers, layer: ReusableLayer, metadata: AptMetadata) -> None:
    """The build-only `apt-env` layer: the layer's build-time env and, when it is kept, the state that lets a
    later step unpack it in place."""
    build_env = layers.get(BUILD_ENV_LAYER_NAME)
    build_env.reset()
    folder = build_env.path / "env.build"
    folder.mkdir()
    for name, content in metadata.build_env.items():
        (folder / name).write_text(content, encoding="utf-8")
    if not layer.path.is_dir():
        state = build_env.path / STATE_FILE
        State(state).write([layer], materialized=[])
        publish(build_env, state)
    build_env.commit(build=True)


def set_env(layer: Layer, arch: str) -> list[str]:
    """PATH and LD_LIBRARY_PATH for build and launch; compiler and pkg-config paths for build; data paths. Returns the names set."""
    root, triplet = layer.path, MULTIARCH.get(arch, "x86_64-linux-gnu")
    libraries = [f"usr/lib/{triplet}", "usr/lib"]
    paths = {
        ("PATH", "both"): ["usr/bin", "usr/sbin"],
        ("LD_LIBRARY_PATH", "both"): libraries,
        ("LIBRARY_PATH", "build"): libraries,
        ("CPATH", "build"): ["usr/include", f"usr/include/{triplet}"],
        ("PKG_CONFIG_PATH", "build"): [f"usr/lib/{triplet}/pkgconfig", "usr/lib/pkgconfig", "usr/share/pkgconfig"],
    }
    names = []
    for (name, scope), folders in paths.items():
        present = [str(root / folder) for folder in folders if (root / folder).is_dir()]
        if present:
            layer.set_env(name, ":".join(present), scope=scope, action="prepend", delim=":")
            names.append(name)
    for name, pattern in LIBRARY_FILES.items():
        found = sorted((root / libraries[0]).glob(pattern))
        if found:
            layer.set_env(name, str(found[0]), action="default")
            names.append(name)
    for name, relative in DATA_PATHS.items():
        if (root / relative).exists():
            layer.set_env(name, str(root / relative), action="default")
            names.append(name)
    return names


def metadata_dict(metadata: AptMetadata) -> dict:
    return asdict(metadata)


def cache_folder(layers: Layers) -> Path:
    """Downloads kept between builds, never in the image: declared on every build, else the lifecycle drops it."""
    cache = layers.get(CACHE_LAYER_NAME)
    cache.path.mkdir(parents=True, exist_ok=True)
    cache.commit(cache=True)
    return cache.path
