"""Detect and build for the Python buildpack; build reads like its log."""

from __future__ import annotations

import tempfile
from pathlib import Path

from cnb.context import BuildContext, DetectContext
from cnb.errors import DetectFail
from cnb.launch import write_launch
from cnb.layers import Layers
from cnb.log import Logger
from cnb.one_file_cache import OneFileCaches
from cnb import permissions
from cnb.plan import BuildPlan, Require, read_buildpack_plan
from cnb import reuse
from cnb.reuse import How
from cnb.sbom import write_cyclonedx

from . import ca_certificates, checks, download, messages, package_managers, python_version, runtime_index, sbom, web_process
from .app import App
from .layers import build_env, tool
from .layers import runtime as runtime_layer
from .layers import venv as venv_layer
from .layers import venv_delta
from .package_managers import uv

# The build plan name: other buildpacks require it, with `packages` in its metadata to
# have extra distributions installed into the app's environment.
PLAN_NAME = "python"
# Build-only caches, read only when an installer runs: kept from build to build even when none runs,
# each as one file (cnb.one_file_cache).
CACHE_LAYERS = (*(manager.cache_layer for manager in package_managers.PACKAGE_MANAGERS), *(installed.name for installed in tool.TOOLS))
# The caches an installer hard-links files from into the environment: unpacked on its filesystem.
LINKED_CACHES = frozenset({uv.CACHE_LAYER_NAME})
# The tools' environments (Poetry's is 78 MB) are kept gzip-compressed, about 2.7 times smaller: every
# rebuild restores and exports them, and only a build that runs the tool unpacks them. The download
# caches hold wheels, which are compressed already.
COMPRESSED_CACHES = frozenset(installed.name for installed in tool.TOOLS)


def detect(context: DetectContext, log: Logger) -> None:
    if not package_managers.is_python_app(context.app_dir):
        raise DetectFail
    # Providing and requiring `python` ourselves keeps the group valid when no later
    # buildpack requires it.
    BuildPlan(provides=[PLAN_NAME], requires=[Require(PLAN_NAME)]).write(context.build_plan_path)


def _extra_packages(context: BuildContext) -> list[str]:
    packages: list[str] = []
    for entry in read_buildpack_plan(context.buildpack_plan_path):
        if entry.name == PLAN_NAME:
            packages += [str(package) for package in entry.metadata.get("packages", []) if str(package) not in packages]
    return packages


def build(context: BuildContext, log: Logger) -> None:
    log.header("pycnb/python")
    app = context.app_dir
    # Each project file is read once, by the first step that needs it (app.py).
    project = App(app)

    # Everything is read and checked before the first download or layer write.
    checks.check_environment(context.env)
    project.pyproject()  # read and checked first: every later step may use it
    choice = package_managers.choose(project, context.env)
    dependencies = package_managers.read(project, choice, context.env)
    resolution = python_version.resolve(project, context.env)
    index = runtime_index.load(runtime_index.locate(context.buildpack_dir, context.env), download.settings(context.env))
    runtime = index.select(resolution.request, context.target)
    dependencies.check_runtime(runtime.version)
    extra_packages = _extra_packages(context)
    certificates = ca_certificates.extra_certificates(context.platform_dir, context.env)
    embed_certificates = context.flag(ca_certificates.EMBED_ENV_VAR, default=False)
    web_app = web_process.find(app, context.env, project.pyproject())

    layers = Layers(context.layers_dir)
    caches = OneFileCaches(layers, CACHE_LAYERS, linked_from=LINKED_CACHES, compressed=COMPRESSED_CACHES)
    runtime_plan = runtime_layer.plan(layers, runtime, context.target)
    addition_texts = dependencies.addition_texts()
    requirement_lines = venv_delta.requirement_lines(addition_texts, extra_packages) if addition_texts is not None else None
    venv_plan = venv_layer.plan(layers, venv_layer.VenvMetadata.wanted(
        runtime, choice.manager, dependencies.files, dependencies.installer_version, extra_packages, app), requirement_lines)

    log.summary(
        "Build summary",
        [
            ("Python", f"{runtime.version} (from {resolution.request.source}: {resolution.request.describe()})"),
            ("Runtime index", index.location),
            ("Package manager", choice.summary()),
            ("Requirements", ", ".join(str(file.path.relative_to(app)) for file in dependencies.files)),
            ("Extra packages", ", ".join(extra_packages) or "none"),
            ("Installer", dependencies.installer_summary()),
            ("CA certificates", messages.certificates_summary(len(certificates), embed_certificates)),
            ("Runtime cache", runtime_plan.decision.summary()),
            ("Environment cache", venv_plan.summary()),
        ],
    )
    if embed_certificates and not certificates:
        log.warning(*messages.nothing_to_embed(ca_certificates.EMBED_ENV_VAR))
    for path in ca_certificates.with_private_keys(certificates):
        log.warning(*messages.private_key_in_ca_binding(path.parent.name, path.name))
    for title, body in [*package_managers.warnings(app, choice), *dependencies.warnings(app)]:
        log.warning(title, body)
    for folder in package_managers.committed_venvs(app):
        log.warning(*messages.committed_venv(folder))
    for title, body in resolution.warnings:
        log.warning(title, body)
    for other in resolution.conflicts(runtime.version):
        log.warning(*messages.conflicting_versions(runtime.version, resolution.request, other))

    log.section("Installing Python")
    python = runtime_layer.install(log, runtime_plan, index, runtime, needed=venv_layer.needs_runtime(venv_plan))
    if venv_layer.needs_runtime(venv_plan) and context.env.get(reuse.PUBLISHED_ENV_VAR):
        # Native libraries earlier buildpacks kept in the previous image (pycnb/apt's), for installers that compile against them.
        with log.timed("Unpacking the layers earlier buildpacks kept, for the installers"):
            for folder in reuse.materialize_published(context.env):
                log.detail(f"Unpacked {folder}")

    log.section("Installing dependencies")
    with tempfile.TemporaryDirectory(prefix="pycnb-") as tmp:
        env = dict(context.env)
        if certificates:
            bundle = ca_certificates.write_bundle(certificates, Path(tmp) / "ca-bundle.crt")
            env.update({"PIP_CERT": str(bundle), "SSL_CERT_FILE": str(bundle), "REQUESTS_CA_BUNDLE": str(bundle)})

        pip_env = venv_layer.pip_environment(caches, env)
        def installer() -> venv_layer.Installer:
            caches.open(venv_layer.PIP_CACHE_LAYER_NAME)
            return dependencies.installer(package_managers.InstallContext(
                log, caches, python, runtime.sha256, app, pip_env, Path(tmp), extra_packages, reuse=venv_plan.base.decision.reuse))

        venv_plan = venv_layer.install(log, venv_plan, python, installer, pip_env,
                                       lambda: sbom.installed_distributions(venv_plan.base.layer.path / "bin" / "python"))

        log.section("Software bill of materials")
        tool = {"tool_name": context.buildpack["id"], "tool_version": context.buildpack["version"]}
        runtime_sbom = [sbom.runtime_component(runtime.version, runtime.sha256)]
        write_cyclonedx(context.layers_dir, runtime_layer.LAYER_NAME, runtime_sbom, **tool)
        packages = venv_layer.components(venv_plan, sbom.installed_distributions)
        write_cyclonedx(context.layers_dir, venv_layer.LAYER_NAME, packages, **tool)
        log.step(f"CycloneDX for the runtime and {len(packages)} installed distributions (pack sbom download shows them)")

        if certificates and embed_certificates:
            log.section("Trusting extra CA certificates at launch")
            log.step(f"{ca_certificates.EMBED_ENV_VAR} is set: {ca_certificates.embed(layers, bundle)} is trusted by the app")

    web = web_process.decide(web_app, [package.name for package in packages])
    if web.log:
        log.section("Default web process")
        log.step(web.log)
    if web.warning:
        log.warning(*web.warning)
    if web.process:
        write_launch(context.layers_dir, [web.process])

    caches.close()

    kept = [runtime_plan.layer] if runtime_plan.decision.how is How.KEEP else []
    kept += venv_plan.kept
    dependency_files = [str(file.path.relative_to(app)) for file in dependencies.files if file.path.is_relative_to(app)]
    build_env.write(layers, venv_plan.base.layer.path, runtime_plan.layer.path, kept, venv_plan.wanted, choice.files[0],
                    venv_plan.base.wanted, venv_plan.added(), dependency_files)
    if kept:
        log.section("Python at build time")
        log.step(messages.kept_layers_at_build([layer.layer.name for layer in kept], build_env.PROGRAM_ENV_VAR))

    # pack makes the app folder world-writable; the run image's user must not be able to change the app,
    # but may add files to its folder (SQLite databases, uploads), unless the app asks to be read-only.
    log.section("App files")
    if context.flag(permissions.READ_ONLY_ENV_VAR, default=False):
        log.step(permissions.describe(permissions.remove_write_for_others(app)))
        log.step(messages.app_read_only(permissions.READ_ONLY_ENV_VAR, context.env[permissions.READ_ONLY_ENV_VAR]))
    else:
        for line in permissions.describe_applied(app, permissions.apply(app, [permissions.APP_FOLDER])):
            log.step(line)
        log.detail(messages.app_writable(permissions.READ_ONLY_ENV_VAR))
