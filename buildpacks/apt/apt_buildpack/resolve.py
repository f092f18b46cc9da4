"""Which packages to install: the requested ones and their dependencies, less what the run image has.

One suite has one version of each package and the run image comes from the same suite, so versions
are not compared: a dependency is met when the run image has the package, or one providing it, or
when it is already chosen. Of alternatives (`a | b`) the first one met wins, else the first the suite
has, as apt does; of several packages providing a virtual name a dependency names, the first in the index.

A virtual name the Aptfile (or the build plan) asks for is resolved as `apt-get install` does (SPEC 8):
its one provider is installed; of several, the one the run image has or the Aptfile names too, else
the build fails naming them all, for apt too refuses to choose ("You should explicitly select one").
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from . import messages
from .aptfile import Request
from .debian_index import Index, Package

# SPEC 9: the run image's C library. A layer copy would shadow it for some programs only.
LIBC_PACKAGES = frozenset({"libc6", "libc-bin"})


@dataclass
class Resolution:
    install: list[Package] = field(default_factory=list)
    # Why each package is installed: "Aptfile, line 3", "the build plan" or "needed by libfoo".
    why: dict[str, str] = field(default_factory=dict)
    # Requested names the run image already has (the name, and the package that has it).
    present: list[tuple[str, str]] = field(default_factory=list)
    # Requested virtual names and the real package installed for each.
    virtual: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[messages.Warning] = field(default_factory=list)


def resolve(requests: list[Request], index: Index, installed: Index, suite: str) -> Resolution:
    resolution = Resolution()
    chosen: dict[str, Package] = {}
    provided: set[str] = set()
    queue: list[Package] = []

    def choose(package: Package, why: str) -> None:
        if package.name in chosen:
            return
        chosen[package.name] = package
        provided.update(package.provides)
        resolution.why[package.name] = why
        queue.append(package)

    named = {request.name for request in requests}
    for request in requests:
        if request.name in LIBC_PACKAGES:
            raise messages.replaces_libc(request.line_number, request.line, request.name,
                                         f"{request.name} is the C library's own package.")
        have = _installed_as(request.name, installed)
        if have:
            resolution.present.append((request.name, have))
            continue
        package = _requested(request, index, named, suite)
        where = f"Aptfile, line {request.line_number}" if request.line_number else "the build plan"
        if package.name != request.name:
            resolution.virtual.append((request.name, package.name))
            where = f"{where}, for {request.name}"
        choose(package, where)

    while queue:
        package = queue.pop(0)
        for group in package.depends:
            if any(_installed_as(name, installed) or name in chosen or name in provided for name in group):
                continue
            candidate = next((found for name in group if (found := _candidate(name, index, installed)) is not None), None)
            if candidate is None:
                resolution.warnings.append(messages.missing_dependency(package.name, group))
            elif candidate.name not in LIBC_PACKAGES:
                choose(candidate, f"needed by {package.name}")
    resolution.install = sorted(chosen.values(), key=lambda package: package.name)
    return resolution


def _installed_as(name: str, installed: Index) -> str:
    """The run image's package that is or provides `name`, or ''."""
    if name in installed.packages:
        return name
    providers = installed.providers.get(name)
    return providers[0] if providers else ""


def _requested(request: Request, index: Index, named: set[str], suite: str) -> Package:
    """The real package for a name asked for: itself, or the one package providing the virtual name (SPEC 8)."""
    if request.name in index.packages:
        return index.packages[request.name]
    providers = index.providers.get(request.name, [])
    if not providers:
        raise messages.unknown_package(request.line_number, request.line, request.name, _suggestions(request.name, index), suite)
    chosen = [name for name in providers if name in named] if len(providers) > 1 else providers
    if not chosen:
        raise messages.virtual_package_choice(request.line_number, request.line, request.name, sorted(providers), suite)
    return index.packages[chosen[0]]


def _candidate(name: str, index: Index, installed: Index) -> Package | None:
    if name in index.packages:
        return index.packages[name]
    providers = index.providers.get(name, [])
    return index.packages[providers[0]] if providers else None


def _suggestions(name: str, index: Index) -> list[str]:
    names = list(index.packages) + list(index.providers)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.75)
    # A library renamed by the 64-bit time_t transition (libfoo1 -> libfoo1t64) is the commonest miss.
    t64 = f"{name}t64"
    return ([t64] if t64 in index.packages and t64 not in close else []) + close
