"""Detect and build for the Apt buildpack; build reads like its log."""

from __future__ import annotations

from dataclasses import replace

from cnb.context import BuildContext, DetectContext
from cnb.layers import Layers
from cnb.log import Logger
from cnb.plan import BuildPlan, Require, read_buildpack_plan
from cnb.reuse import How, ReusableLayer

from . import aptfile, archive, find_library, layer as apt_layer, messages, resolve, run_image, unpack

# What other buildpacks require, with `packages = [...]` in the metadata, to have Debian packages installed.
PLAN_NAME = "apt"


def detect(context: DetectContext, log: Logger) -> None:
    """Always passes: it provides `apt` to any buildpack that asks, and asks for it itself when the app has an Aptfile.
    Without an Aptfile and with no buildpack asking, the lifecycle leaves this optional buildpack out."""
    requires = [Require(PLAN_NAME)] if aptfile.exists(context.app_dir) else []
    BuildPlan(provides=[PLAN_NAME], requires=requires).write(context.build_plan_path)


def plan_requests(context: BuildContext) -> tuple[list[aptfile.Request], list[str]]:
    """The packages other buildpacks ask for, and the libraries they need `ctypes.util.find_library` to
    find (`find_library = ["gdal"]`, find_library.py), which adds binutils to the packages."""
    requests: list[aptfile.Request] = []
    libraries: list[str] = []
    for entry in read_buildpack_plan(context.buildpack_plan_path):
        if entry.name != PLAN_NAME:
            continue
        for library in entry.metadata.get("find_library", []):
            name = str(library)
            if not find_library.NAME.fullmatch(name):
                raise messages.plan_package_invalid(name, "a buildpack's bug: not a library name for find_library")
            if name not in libraries:
                libraries.append(name)
        for package in [*entry.metadata.get("packages", []), *(find_library.PACKAGES if entry.metadata.get("find_library") else [])]:
            name = str(package)
            if not aptfile.PACKAGE_NAME.fullmatch(name):
                raise messages.plan_package_invalid(name, "a buildpack's bug")
            if name not in [request.name for request in requests]:
                requests.append(aptfile.Request(name, 0))
    return requests, libraries


def build(context: BuildContext, log: Logger) -> None:
    log.header("pycnb/apt")
    app = context.app_dir

    # Everything is read and checked before the first download or layer write.
    parsed = aptfile.read(app) if aptfile.exists(app) else aptfile.Aptfile([], [])
    requests = list(parsed.requests)
    from_buildpacks, libraries = plan_requests(context)
    for request in from_buildpacks:
        if request.name not in [known.name for known in requests]:
            requests.append(request)
    for request in requests:
        if request.name in resolve.LIBC_PACKAGES:
            raise messages.replaces_libc(request.line_number, request.line, request.name, f"{request.name} is the C library's own package.")
    for title, body in parsed.warnings:
        log.warning(title, body)
    layers = Layers(context.layers_dir)
    if not requests:
        log.step(messages.no_packages())
        return
    mirror = archive.mirror(context.env)
    arch = context.target.arch
    run = run_image.load()
    if libraries and all(request.name in run.installed.packages for request in requests
                         if request.line_number or request.name not in find_library.PACKAGES):
        # The run image has every package asked for (the GIS stack): the dynamic linker's cache finds their
        # libraries, at build time too, so find_library needs no binutils and no links.
        requests = [request for request in requests if request.line_number or request.name not in find_library.PACKAGES]
        libraries = []
    wanted = apt_layer.AptMetadata(apt_layer.LAYER_SCHEMA, archive.SUITE, arch, [request.name for request in requests], run.digest,
                                   find_library=libraries)
    plan = apt_layer.plan(layers, wanted)
    layer, decision = plan.layer, plan.decision

    from_plan = [request.name for request in requests if not request.line_number]
    log.summary(
        "Build summary",
        [
            ("Aptfile", ", ".join(request.name for request in requests if request.line_number) or "none"),
            ("Asked by buildpacks", ", ".join(from_plan) or "none"),
            *([("find_library sees", ", ".join(libraries))] if libraries else []),
            ("Debian suite", f"{archive.SUITE} {archive.COMPONENT} {arch} from {mirror.url}"),
            ("Run image record", "recorded by the stack" if run.recorded else "missing: Debian's required packages assumed"),
            ("Package cache", decision.summary()),
        ],
    )
    cache = apt_layer.cache_folder(layers)

    log.section("Installing Debian packages")
    decision.log(log, "Debian packages")
    if decision.reuse:
        for line in plan.wanted.installed:
            log.detail(line)
        if decision.how is How.KEEP:
            layer.keep(plan.metadata)
        else:
            layer.layer.invalidate()
            with log.timed("Unpacking the packages from the build cache"):
                layer.materialize()
            layer.commit(plan.metadata, copy_changed=False)
        apt_layer.write_build_env(layers, layer, plan.wanted)
        return

    if run.recorded and all(request.name in run.installed.packages for request in requests):
        # The run image has everything asked for (the GIS stack): no index to download, nothing to resolve.
        _commit_present(layers, layer, wanted, [(request.name, request.name) for request in requests], log)
        return
    index = archive.load_index(mirror, cache, arch, log)
    if not run.recorded:
        title, body = messages.run_image_record_missing(str(run_image.RECORD_DIR / run_image.STATUS_FILE))
        log.warning(title, body)
        run = run_image.RunImage(run_image.required_packages(index), frozenset(), run.digest, False)
    resolution = resolve.resolve(requests, index, run.installed, archive.SUITE)
    for title, body in resolution.warnings:
        log.warning(title, body)
    for name, package in resolution.virtual:
        log.step(messages.virtual_package_resolved(name, package))
    if not resolution.install:
        _commit_present(layers, layer, wanted, resolution.present, log)
        return
    _log_present(resolution.present, log)

    debs = archive.fetch_debs(resolution.install, mirror, cache, log)
    by_request = {request.name: request for request in requests}
    if run.libc_files:
        for package in resolution.install:
            clash = run_image.libc_clash(unpack.paths(debs[package.name], package.name), run.libc_files)
            if clash:
                asked = by_request.get(package.name)
                raise messages.replaces_libc(asked.line_number if asked else 0, asked.line if asked else "", package.name,
                                             f"{package.name} ({resolution.why[package.name]}) holds /{clash[0]}, "
                                             "a file of the run image's libc6.")

    layer.reset()
    installed, total = [], 0
    with log.timed(f"Unpacking {len(resolution.install)} packages"):
        for package in resolution.install:
            unpacked = unpack.unpack(debs[package.name], package.name, layer.path)
            total += unpacked.bytes
            line = f"{package.name} {package.version} ({messages.size(unpacked.bytes)}; {resolution.why[package.name]})"
            installed.append(line)
            log.detail(line)
        for link in unpack.relocate(layer.path):
            log.detail(f"Linked {link} (the run image has the library itself)")
        for link in unpack.link_library_alternatives(layer.path, apt_layer.MULTIARCH.get(arch, "x86_64-linux-gnu")):
            log.detail(f"Linked {link} (what update-alternatives would do)")
        for link in find_library.link(layer.path / "usr" / "lib" / apt_layer.MULTIARCH.get(arch, "x86_64-linux-gnu"), libraries):
            log.detail(f"Linked {link} (for ctypes.util.find_library, with binutils' ld and objdump)")
    names = apt_layer.set_env(layer.layer, arch)
    log.step(f"Installed {len(installed)} packages, {messages.size(total)} in the image; set {', '.join(names)}")
    _commit(layers, layer, apt_layer.AptMetadata(**{**apt_layer.metadata_dict(wanted), "installed": installed, "bytes": total}))


def _log_present(present: list[tuple[str, str]], log: Logger) -> None:
    for name, package in present:
        log.step(f"{name}: the run image has it ({package})" if name != package else f"{name}: the run image has it")


def _commit_present(layers: Layers, layer: ReusableLayer, wanted: apt_layer.AptMetadata, present: list[tuple[str, str]],
                    log: Logger) -> None:
    """Nothing to install: the run image has every package asked for. The layer is committed empty."""
    _log_present(present, log)
    layer.reset()
    _commit(layers, layer, wanted)


def _commit(layers: Layers, layer: ReusableLayer, installed: apt_layer.AptMetadata) -> None:
    """The layer and its copy, with the env files later buildpacks get at build time recorded."""
    metadata = replace(installed, build_env=apt_layer.recorded_build_env(layer.layer))
    layer.commit(apt_layer.metadata_dict(metadata))
    apt_layer.write_build_env(layers, layer, metadata)
