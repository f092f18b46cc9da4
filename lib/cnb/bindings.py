"""Service bindings (servicebinding.io spec as used by CNB): `<root>/<name>/type` plus entries."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Binding:
    name: str
    path: Path
    type: str

    def entries(self) -> dict[str, Path]:
        """The binding's files other than `type` and `provider`, by name."""
        return {
            entry.name: entry
            for entry in sorted(self.path.iterdir())
            if entry.name not in {"type", "provider"} and not entry.name.startswith(".") and entry.is_file()
        }


def bindings_root(platform_dir: Path, env: dict[str, str]) -> Path:
    """`SERVICE_BINDING_ROOT` when the platform sets it, else `<platform>/bindings`."""
    return Path(env["SERVICE_BINDING_ROOT"]) if env.get("SERVICE_BINDING_ROOT") else platform_dir / "bindings"


def bindings_of_type(platform_dir: Path, env: dict[str, str], binding_type: str) -> list[Binding]:
    root = bindings_root(platform_dir, env)
    try:
        if not root.is_dir():
            return []
    except OSError:  # a name the system refuses to look up (ENAMETOOLONG): no folder, so no bindings
        return []
    found = []
    for folder in sorted(root.iterdir()):
        type_file = folder / "type"
        if folder.is_dir() and type_file.is_file():
            kind = type_file.read_text(encoding="utf-8", errors="replace").strip()
            if kind.lower() == binding_type.lower():
                found.append(Binding(folder.name, folder, kind))
    return found
