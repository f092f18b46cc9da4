"""The published schemas of the Kubernetes resources in examples/: kpack's OpenAPI definitions and
Tekton's CRDs, from the projects' own Go modules (the Go module proxy serves their repositories'
files, checked against the Go checksum database), cached outside the repository.

A CRD's structural schema lets the API server prune unknown fields, and `kubectl apply
--validate=strict` refuses them; so every object schema that lists its properties is made closed
here (unless it says x-kubernetes-preserve-unknown-fields), and a misspelt key fails the test."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from functools import cache
from pathlib import Path

import yaml
from jsonschema import Draft4Validator, Draft7Validator

from pycnb_tools.paths import cache_dir

KPACK = ("github.com/pivotal/kpack", "v0.17.0")
TEKTON = ("github.com/tektoncd/pipeline", "v1.0.0")
KPACK_SWAGGER = "api/openapi-spec/swagger.json"
KPACK_GROUP = "kpack.io"
TEKTON_CRDS = {"Task": "config/300-crds/300-task.yaml", "Pipeline": "config/300-crds/300-pipeline.yaml",
               "PipelineRun": "config/300-crds/300-pipelinerun.yaml"}


@cache
def module_dir(module: str, version: str) -> Path:
    """The module's files, downloaded once into the pycnb cache by `go mod download` (which verifies them)."""
    env = {**os.environ, "GOMODCACHE": str(cache_dir() / "go-modules"), "GOFLAGS": "-mod=mod"}
    result = subprocess.run(["go", "mod", "download", "-json", f"{module}@{version}"], env=env, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=600, cwd=cache_dir())
    described = json.loads(result.stdout) if result.stdout.strip() else {}
    assert result.returncode == 0 and "Dir" in described, f"go mod download {module}@{version} failed: {result.stdout}{result.stderr}"
    return Path(described["Dir"])


def closed(schema):
    """A copy of `schema` in which every object that lists its properties refuses others."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: closed(value) if key not in ("properties", "definitions") else {name: closed(sub) for name, sub in value.items()}
              for key, value in schema.items()}
    if "properties" in result and "additionalProperties" not in result and not result.get("x-kubernetes-preserve-unknown-fields"):
        result["additionalProperties"] = False
    return result


@cache
def kpack_definitions() -> dict:
    swagger = json.loads((module_dir(*KPACK) / KPACK_SWAGGER).read_text())
    return closed(swagger["definitions"])


def kpack_validator(api_version: str, kind: str) -> Draft4Validator:
    """kpack's own definition of `kind` (Swagger 2.0 schemas are JSON Schema draft 4); `status` is the
    controller's to write, so a manifest need not have it."""
    group, _, version = api_version.partition("/")
    assert group == KPACK_GROUP, api_version
    definitions = copy.deepcopy(kpack_definitions())
    name = f"kpack.build.{version}.{kind}"
    assert name in definitions, f"kpack {KPACK[1]} defines no {kind} in {api_version}"
    definitions[name]["required"] = [field for field in definitions[name].get("required", []) if field != "status"]
    return Draft4Validator({"$ref": f"#/definitions/{name}", "definitions": definitions})


def kpack_served(api_version: str, kind: str) -> bool:
    """Whether kpack's CRDs (config/) serve `kind` at `api_version`."""
    version = api_version.partition("/")[2]
    for path in (module_dir(*KPACK) / "config").glob("*.yaml"):
        for document in yaml.safe_load_all(path.read_text()):
            if document and document.get("kind") == "CustomResourceDefinition" and document["spec"]["names"]["kind"] == kind:
                return any(entry["name"] == version and entry.get("served") for entry in document["spec"]["versions"])
    return False


@cache
def tekton_crd(kind: str) -> dict:
    return yaml.safe_load((module_dir(*TEKTON) / TEKTON_CRDS[kind]).read_text())


def tekton_validator(api_version: str, kind: str, part: str | None = None) -> Draft7Validator:
    """The openAPIV3Schema Tekton's CRD gives `kind` at `api_version` (or its property `part`)."""
    version = api_version.partition("/")[2]
    crd = tekton_crd(kind)
    served = {entry["name"]: entry for entry in crd["spec"]["versions"] if entry.get("served")}
    assert version in served, f"Tekton {TEKTON[1]} serves no {kind} at {api_version}"
    schema = served[version]["schema"]["openAPIV3Schema"]
    return Draft7Validator(closed(schema["properties"][part] if part else schema))


def errors(validator, document) -> list[str]:
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}" for error in validator.iter_errors(document)]
