"""examples/'s kpack and Tekton manifests: each resource against the schema its project publishes
(kpack's OpenAPI definitions, Tekton's CRDs, from their Go modules), each task call against the
task's parameters and workspaces, and every image they name against what `./pycnb publish` pushes."""

from pathlib import Path

import pytest
import yaml

from pycnb_tools import buildpackages, packaging, publish
from support import k8s_schemas
from support.apps import ROOT

EXAMPLES = ROOT / "examples"
KPACK_FILES = [EXAMPLES / "kpack" / "pycnb.yaml", EXAMPLES / "ci" / "kpack.yaml"]
TEKTON_FILES = [EXAMPLES / "tekton" / "pipelinerun.yaml", EXAMPLES / "ci" / "tekton-task.yaml"]
EXAMPLE_REGISTRY = "registry.example.com"

# The interfaces of the Tekton catalog tasks the PipelineRun calls, as their catalog files declare them
# (tektoncd/catalog task/buildpacks/0.7/buildpacks.yaml and task/git-clone/0.9/git-clone.yaml, read
# 2026-12-07). Not fetched by the test: the catalog is no Go module (the Go module proxy answers 403
# for it and for buildpacks/tekton-integration), and no other registry reachable here serves it.
# Parameters without a default and workspaces without `optional: true` are required.
CATALOG_TASKS = {
    ("buildpacks", "0.7"): {
        "params": {"APP_IMAGE", "BUILDER_IMAGE", "SOURCE_SUBPATH", "ENV_VARS", "PROCESS_TYPE", "RUN_IMAGE", "CACHE_IMAGE",
                   "SKIP_RESTORE", "USER_ID", "GROUP_ID", "PLATFORM_DIR"},
        "required_params": {"APP_IMAGE", "BUILDER_IMAGE"},
        "array_params": {"ENV_VARS"},
        "workspaces": {"source", "cache", "dockerconfig"},
        "required_workspaces": {"source"},
    },
    ("git-clone", "0.9"): {
        "params": {"url", "revision", "refspec", "submodules", "depth", "sslVerify", "crtFileName", "subdirectory",
                   "sparseCheckoutDirectories", "deleteExisting", "httpProxy", "httpsProxy", "noProxy", "verbose", "gitInitImage",
                   "userHome"},
        "required_params": {"url"},
        "array_params": set(),
        "workspaces": {"output", "ssh-directory", "basic-auth", "ssl-ca-directory"},
        "required_workspaces": {"output"},
    },
}


def documents(path: Path) -> list[dict]:
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


def resource_ids(paths) -> list:
    return [pytest.param(document, id=f"{path.relative_to(ROOT)}:{document['kind']}/"
                                      f"{document['metadata'].get('name') or document['metadata'].get('generateName')}")
            for path in paths for document in documents(path)]


@pytest.mark.parametrize("document", resource_ids(KPACK_FILES))
def test_kpack_resources_match_kpacks_schema(document):
    assert k8s_schemas.kpack_served(document["apiVersion"], document["kind"]), \
        f"kpack's CRDs serve no {document['kind']} at {document['apiVersion']}"
    assert k8s_schemas.errors(k8s_schemas.kpack_validator(document["apiVersion"], document["kind"]), document) == []


@pytest.mark.parametrize("document", resource_ids(TEKTON_FILES))
def test_tekton_resources_match_tektons_crds(document):
    assert k8s_schemas.errors(k8s_schemas.tekton_validator(document["apiVersion"], document["kind"]), document) == []
    if document["kind"] == "PipelineRun" and "pipelineSpec" in document["spec"]:
        # The PipelineRun CRD leaves an inline pipelineSpec open: the Pipeline CRD's spec schema is what checks it.
        pipeline_spec = k8s_schemas.tekton_validator(document["apiVersion"], "Pipeline", "spec")
        assert k8s_schemas.errors(pipeline_spec, document["spec"]["pipelineSpec"]) == []


def test_the_schemas_refuse_a_misspelt_key():
    """The check is not vacuous: an unknown field fails, as `kubectl apply --validate=strict` refuses it."""
    stack = documents(EXAMPLES / "kpack" / "pycnb.yaml")[1]
    stack["spec"]["runImage"]["imgae"] = stack["spec"]["runImage"].pop("image")
    assert "Additional properties are not allowed ('imgae' was unexpected)" in " ".join(
        k8s_schemas.errors(k8s_schemas.kpack_validator("kpack.io/v1alpha2", "ClusterStack"), stack))
    run = documents(EXAMPLES / "tekton" / "pipelinerun.yaml")[0]
    run["spec"]["pipelineSpec"]["tasks"][1]["runafter"] = ["fetch-source"]
    assert k8s_schemas.errors(k8s_schemas.tekton_validator("tekton.dev/v1", "Pipeline", "spec"), run["spec"]["pipelineSpec"])


def _hub_task(task: dict) -> tuple[str, str]:
    params = {param["name"]: param["value"] for param in task["taskRef"]["params"]}
    assert task["taskRef"]["resolver"] == "hub" and params["kind"] == "task" and params["catalog"] == "tekton-catalog-tasks"
    return params["name"], params["version"]


def test_the_pipeline_calls_each_catalog_task_as_it_is_declared():
    run = documents(EXAMPLES / "tekton" / "pipelinerun.yaml")[0]
    pipeline = run["spec"]["pipelineSpec"]
    declared_workspaces = {workspace["name"] for workspace in pipeline["workspaces"]}
    bound = {workspace["name"] for workspace in run["spec"]["workspaces"]}
    assert declared_workspaces == bound
    declared_params = {param["name"] for param in pipeline["params"]}
    assert {param["name"] for param in run["spec"]["params"]} == declared_params
    for task in pipeline["tasks"]:
        interface = CATALOG_TASKS[_hub_task(task)]
        given = {param["name"]: param["value"] for param in task.get("params", [])}
        assert set(given) <= interface["params"], set(given) - interface["params"]
        assert interface["required_params"] <= set(given)
        for name, value in given.items():
            assert isinstance(value, list) == (name in interface["array_params"]), name
        workspaces = {workspace["name"]: workspace["workspace"] for workspace in task.get("workspaces", [])}
        assert set(workspaces) <= interface["workspaces"] and interface["required_workspaces"] <= set(workspaces)
        assert set(workspaces.values()) <= declared_workspaces
        for value in given.values():
            for reference in [part.split(")")[0] for part in str(value).split("$(params.")[1:]]:
                assert reference in declared_params, reference


def published_names(registry: str) -> dict[str, str]:
    names = {kind: f"{registry}/{tag}" for kind, tag in publish.STACK_TAGS.items()}
    names["builder"] = f"{registry}/{publish.BUILDER_TAG}"
    for name in packaging.BUILDPACKS:
        names[name] = buildpackages.describe(ROOT / "buildpacks" / name).remote(registry)
    return names


def test_the_examples_name_the_images_publish_pushes():
    names = published_names(EXAMPLE_REGISTRY)
    kpack = {document["kind"]: document for document in documents(EXAMPLES / "kpack" / "pycnb.yaml")}
    assert [source["image"] for source in kpack["ClusterStore"]["spec"]["sources"]] == [names[name] for name in packaging.BUILDPACKS]
    assert kpack["ClusterStack"]["spec"]["id"] == publish.STACK_ID
    assert kpack["ClusterStack"]["spec"]["buildImage"]["image"] == names["build"] \
        and kpack["ClusterStack"]["spec"]["runImage"]["image"] == names["run"]
    order = [entry["id"] for entry in kpack["ClusterBuilder"]["spec"]["order"][0]["group"]]
    assert order == [buildpackages.describe(ROOT / "buildpacks" / name).id for name in packaging.BUILDPACKS]
    build = documents(EXAMPLES / "tekton" / "pipelinerun.yaml")[0]["spec"]["pipelineSpec"]["tasks"][1]
    params = {param["name"]: param["value"] for param in build["params"]}
    assert params["BUILDER_IMAGE"] == names["builder"] and params["RUN_IMAGE"] == names["run"]
