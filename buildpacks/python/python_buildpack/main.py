"""Detect and build for the Python buildpack; build reads like its log."""

from __future__ import annotations

import tempfile
from pathlib import Path

from cnb.context import BuildContext, DetectContext
from cnb.errors import DetectFail
from cnb.layers import Layers
from cnb.log import Logger
from cnb.plan import BuildPlan, Require, read_buildpack_plan

from . import ca_certificates, checks, messages, python_version, requirements, runtime_index
from .layers import runtime as runtime_layer
from .layers import venv as venv_layer

# The build plan name: other buildpacks require it, with `packages` in its metadata to
# have extra distributions installed into the app's environment.
PLAN_NAME = "python"


def detect(context: DetectContext, log: Logger) -> None:
    if not requirements.has_requirements(context.app_dir):
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

    # Everything is read and checked before the first download or layer write.
    checks.check_environment(context.env)
    requirements_file = requirements.find(app)
    requirement_files = requirements.collect(requirements_file, app)
    resolution = python_version.resolve(app, context.env)
    index = runtime_index.load(runtime_index.locate(context.buildpack_dir, context.env))
    runtime = index.select(resolution.request, context.target)
    extra_packages = _extra_packages(context)
    certificates = ca_certificates.extra_certificates(context.platform_dir, context.env)

    layers = Layers(context.layers_dir)
    python_layer, runtime_wanted, runtime_decision = runtime_layer.plan(layers, runtime, context.target)
    venv_wanted = venv_layer.VenvMetadata(
        layer_schema=venv_layer.LAYER_SCHEMA,
        python_version=runtime.version,
        runtime_sha256=runtime.sha256,
        requirements_digest=requirements.digest(requirement_files, app),
        extra_packages=extra_packages,
    )
    venv, venv_decision = venv_layer.plan(layers, venv_wanted)

    log.summary(
        "Build summary",
        [
            ("Python", f"{runtime.version} (from {resolution.request.source}: {resolution.request.describe()})"),
            ("Runtime index", index.location),
            ("Requirements", ", ".join(str(file.path.relative_to(app)) for file in requirement_files)),
            ("Extra packages", ", ".join(extra_packages) or "none"),
            ("Installer", "pip, from the runtime"),
            ("CA certificates", f"{len(certificates)} file(s) from ca-certificates bindings" if certificates else "the build image's"),
            ("Runtime cache", runtime_decision.summary()),
            ("Environment cache", venv_decision.summary()),
        ],
    )
    for title, body in resolution.warnings:
        log.warning(title, body)
    for other in resolution.conflicts(runtime.version):
        log.warning(*messages.conflicting_versions(runtime.version, resolution.request, other))

    log.section("Installing Python")
    python = runtime_layer.install(log, python_layer, runtime_wanted, runtime_decision, index, runtime)

    log.section("Installing dependencies")
    with tempfile.TemporaryDirectory(prefix="pycnb-") as tmp:
        env = dict(context.env)
        if certificates:
            bundle = ca_certificates.write_bundle(certificates, Path(tmp) / "ca-bundle.crt")
            env.update({"PIP_CERT": str(bundle), "SSL_CERT_FILE": str(bundle), "REQUESTS_CA_BUNDLE": str(bundle)})
        venv_layer.install(log, layers, venv, venv_wanted, venv_decision, python, requirements_file, app, env)
