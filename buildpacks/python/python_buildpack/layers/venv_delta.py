"""The `venv-delta` layer: what the app's requirements added since the environment was installed whole.

Adding a dependency used to unpack the whole environment (7,500 files), install into it, archive it
again and export all of it. Now, when the requirements only gained lines, the environment layer is kept
as the previous image has it (the base) and the new distributions are installed beside it, into this
small launch layer: the cost is the added packages' (docs/design/layer-reuse.md).

- The base environment carries a `.pth` hook (`HOOK_FILE`) that adds this layer's site-packages after
  its own, when the folder exists: the interpreter, `pip list` and `importlib.metadata` see both. The
  hook finds the layer beside the environment (`sys.prefix`), so a copy unpacked elsewhere works too.
- The installer runs against a skeleton of the base: its `pyvenv.cfg`, `bin/python*`, `.pth` files and
  `*.dist-info` folders, unpacked from the base's copy, so it sees what is installed without the files.
  pip and uv install under the delta's prefix; an installer that only installs into an environment
  (Poetry) installs into the skeleton, and what it added is moved into the delta (`move_new_files`).
- Requirement lines are a requirements file's lines, or a lock's pins (`name==version`, one per locked
  package): a lock that only gained packages is followed like a requirements file that only gained lines.
- The delta is made anew on each build that changes the requirements, always against the base; a build
  whose requirements equal the base's drops it. It is folded into the base (the whole environment is
  updated in place, as before) when a line was removed or changed, when it would replace a distribution
  the base has (an upgrade), or when it grows past `MAX_SHARE` of the base.
"""

from __future__ import annotations

import csv
import email.parser
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

from cnb import archive
from cnb.layer_content import files_of
from cnb.layers import CacheDecision, Layers
from cnb.reuse import How, LayerPlan, ReusableLayer, ReuseDecision, same
from packaging.utils import canonicalize_name

LAYER_NAME = "venv-delta"
HOOK_FILE = "_pycnb_venv_delta.pth"
HOOK = ("import os, site, sys; site.addsitedir(os.path.join(os.path.dirname(sys.prefix), "
        f"{LAYER_NAME!r}, 'lib', 'python%d.%d' % sys.version_info[:2], 'site-packages'))\n")
# The installed distributions' SBOM components, in the copy's folder of the base and of the delta.
COMPONENTS_FILE = "components.json"
# The requirement lines the base was installed from, in the base's copy folder.
LINES_FILE = "requirement-lines.json"
# The delta's distributions with the top-level modules they install (`added_distributions`), in its copy folder.
ADDED_FILE = "added-distributions.json"
# A delta bigger than this share of the base's archive is folded into the base.
MAX_SHARE = 0.5
# The metadata keys that may differ between the base and this build for a delta to apply.
DEPENDENCY_KEYS = ("requirements_digest", "extra_packages")


@dataclass(frozen=True)
class DeltaMetadata:
    base: dict[str, Any]  # the environment layer's metadata, which the delta adds to
    environment: dict[str, Any]  # the environment's key for this build (layers/venv.VenvMetadata)


def write_hook(venv: Path) -> None:
    """Give an environment being installed whole the hook that adds a later delta's site-packages."""
    for site_packages in venv.glob("lib/python*/site-packages"):
        (site_packages / HOOK_FILE).write_text(HOOK, encoding="utf-8")


def requirement_lines(texts: list[str], extra_packages: list[str]) -> list[str]:
    """The lines that decide what is installed, without blanks and comments, in order, each once."""
    lines: list[str] = []
    for text in texts:
        for line in text.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line and not line.startswith("#") and line not in lines:
                lines.append(line)
    return lines + [f"(asked by a buildpack) {package}" for package in extra_packages]


def plan(layers: Layers, base: dict[str, Any], base_lines: list[str] | None, wanted: dict[str, Any],
         lines: list[str] | None) -> LayerPlan[DeltaMetadata] | None:
    """A delta on the cached environment `base` (its copy's metadata), or None when the environment is
    reused as it is or made or updated whole. `lines` is None for inputs a delta cannot follow."""
    if not base or base_lines is None or lines is None or lines == base_lines:
        return None
    if any(base.get(key) != value for key, value in wanted.items() if key not in DEPENDENCY_KEYS):
        return None
    layer = ReusableLayer(layers, LAYER_NAME)
    metadata = DeltaMetadata(base, wanted)
    restored = layer.restore()
    if not restored.copy_problems and same(restored.copy, asdict(metadata)) and recorded(layer):
        return LayerPlan(layer, metadata, ReuseDecision.of(restored, asdict(metadata), CacheDecision(cached=True)))
    if any(line not in lines for line in base_lines):
        return None
    added = [line for line in lines if line not in base_lines]
    return LayerPlan(layer, metadata, ReuseDecision(CacheDecision(cached=True, reasons=(f"added: {', '.join(added)}",)), How.INSTALL))


def recorded(layer: ReusableLayer) -> bool:
    return (layer.copy.path / COMPONENTS_FILE).is_file()


def drop(layers: Layers) -> None:
    """No delta in this build: neither the layer (the image's would otherwise be reused) nor its copy."""
    layer = ReusableLayer(layers, LAYER_NAME)
    for part in (layer.layer, layer.copy):
        part.invalidate()
        if part.path.exists():
            shutil.rmtree(part.path)


def unpack_skeleton(base: ReusableLayer) -> None:
    """The base environment's interpreter links, configuration, `.pth` files and distribution metadata,
    in its own folder: enough for an installer to see what is installed, a few hundred files."""
    def wanted(name: str) -> bool:
        parts = Path(name).parts
        if parts[:1] == ("pyvenv.cfg",) or (len(parts) == 2 and parts[0] == "bin" and parts[1].startswith("python")):
            return True
        in_site = len(parts) >= 4 and parts[0] == "lib" and parts[2] == "site-packages"
        return in_site and (parts[3].endswith(".dist-info") or (len(parts) == 4 and parts[3].endswith(".pth")))

    archive.unpack_matching(base.archive, base.path, wanted)


def installed_names(prefix: Path) -> set[str]:
    """The distributions installed under `prefix`, by canonical name."""
    return {canonicalize_name(folder.name[: -len(".dist-info")].rsplit("-", 1)[0])
            for folder in prefix.glob("lib/python*/site-packages/*.dist-info")}


def why_fold(delta: Path, base_names: set[str], base_archive_size: int) -> str:
    """Why the delta just installed must be folded into the base instead; "" when it can stay."""
    replaced = sorted(installed_names(delta) & base_names)
    if replaced:
        return f"the new requirements change {', '.join(replaced)}, which the environment has"
    size = sum(path.stat().st_size for path in delta.rglob("*") if path.is_file() and not path.is_symlink())
    if size > MAX_SHARE * base_archive_size:
        return f"the added packages ({size // 2**20} MiB) are more than {MAX_SHARE:.0%} of the environment"
    return ""


def install_in_place(venv: Path, prefix: Path, install: Callable[[], None]) -> str:
    """For an installer that installs only into an environment: run `install` on `venv` (the base's skeleton),
    then move what it added under `prefix` (`move_new_files`). Returns why the delta must be folded, or ""."""
    before = files_of(venv)
    install()
    return move_new_files(venv, prefix, before)


def move_new_files(venv: Path, prefix: Path, before: dict[str, tuple[int, int] | None]) -> str:
    """After an installer ran in `venv` itself: move every path it added to the same place under `prefix`,
    leaving `venv` as `before` describes it. Returns why the delta must be folded instead ("" when it
    can stay): the installer changed or removed what the environment had."""
    after = files_of(venv)
    changed = sorted(path for path, state in before.items() if after.get(path, "gone") != state and state is not None)
    changed += sorted(path for path, state in before.items() if state is None and path not in after)
    if changed:
        return f"the installer changed files the environment has ({', '.join(changed[:3])}{', ...' if len(changed) > 3 else ''})"
    added = [path for path in after if path not in before]
    for path in added:
        target = prefix / path
        if after[path] is None:
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            (venv / path).rename(target)
    for path in sorted((path for path in added if after[path] is None), key=len, reverse=True):
        (venv / path).rmdir()
    return ""


def added_distributions(delta: Path) -> list[dict[str, Any]]:
    """The delta's distributions: name, version, the top-level modules their RECORD installs, and whether they
    install a `.pth` file (code every interpreter runs at start-up; so does a distribution without RECORD)."""
    found = []
    for info in sorted(delta.glob("lib/python*/site-packages/*.dist-info")):
        try:
            metadata = email.parser.Parser().parsestr((info / "METADATA").read_text(encoding="utf-8", errors="replace"), headersonly=True)
            rows = list(csv.reader((info / "RECORD").read_text(encoding="utf-8", errors="replace").splitlines()))
        except OSError:
            metadata, rows = None, None
        top_level, pth = set(), rows is None
        for row in rows or []:
            path = row[0] if row else ""
            first = path.split("/", 1)[0]
            if not path or path.startswith("..") or first == "__pycache__" or first.endswith((".dist-info", ".data")):
                continue
            if "/" not in path and path.endswith(".pth"):
                pth = True
            else:
                top_level.add(first.split(".", 1)[0])
        name = metadata.get("Name") if metadata else None
        found.append({"name": canonicalize_name(name or info.name[: -len(".dist-info")].rsplit("-", 1)[0]),
                      "version": (metadata.get("Version") if metadata else None) or "", "top_level": sorted(top_level), "pth": pth})
    return found


def record_added(delta_copy: Path, delta: Path) -> None:
    (delta_copy / ADDED_FILE).write_text(json.dumps(added_distributions(delta)), encoding="utf-8")


def recorded_added(delta_copy: Path) -> list[dict[str, Any]] | None:
    """What `record_added` wrote, or None (a delta recorded before it was)."""
    try:
        added = json.loads((delta_copy / ADDED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return added if isinstance(added, list) else None
