import tomllib

from cnb.bindings import bindings_of_type
from cnb.launch import Process, write_launch
from cnb.plan import BuildPlan, Require, read_buildpack_plan


def test_build_plan_document(tmp_path):
    path = tmp_path / "plan.toml"
    BuildPlan(provides=["python"], requires=[Require("python", {"packages": ["gunicorn"]})]).write(path)
    assert tomllib.loads(path.read_text()) == {
        "provides": [{"name": "python"}],
        "requires": [{"name": "python", "metadata": {"packages": ["gunicorn"]}}],
    }


def test_buildpack_plan_entries_are_read(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text('[[entries]]\nname = "python"\n[entries.metadata]\npackages = ["gunicorn"]\n\n[[entries]]\nname = "python"\n')
    entries = read_buildpack_plan(path)
    assert [(e.name, e.metadata) for e in entries] == [("python", {"packages": ["gunicorn"]}), ("python", {})]


def test_launch_toml_processes(tmp_path):
    write_launch(tmp_path, [Process("web", ["bash", "-c", "gunicorn app"], default=True), Process("worker", ["bash", "-c", "celery"])])
    document = tomllib.loads((tmp_path / "launch.toml").read_text())
    assert document["processes"][0] == {"type": "web", "command": ["bash", "-c", "gunicorn app"], "args": [], "default": True}
    assert document["processes"][1]["default"] is False


def test_bindings_are_found_by_type_case_insensitively(tmp_path):
    for name, kind in [("corp-ca", "CA-Certificates"), ("db", "postgresql")]:
        (tmp_path / "bindings" / name).mkdir(parents=True)
        (tmp_path / "bindings" / name / "type").write_text(kind + "\n")
        (tmp_path / "bindings" / name / "entry.pem").write_text("x")
    found = bindings_of_type(tmp_path, {}, "ca-certificates")
    assert [b.name for b in found] == ["corp-ca"]
    assert list(found[0].entries()) == ["entry.pem"]


def test_service_binding_root_takes_precedence(tmp_path):
    root = tmp_path / "sbr"
    (root / "x").mkdir(parents=True)
    (root / "x" / "type").write_text("ca-certificates")
    assert [b.name for b in bindings_of_type(tmp_path / "platform", {"SERVICE_BINDING_ROOT": str(root)}, "ca-certificates")] == ["x"]


def test_a_binding_root_too_long_for_the_system_holds_no_bindings(tmp_path):  # found by fuzzing: an OSError traceback
    assert bindings_of_type(tmp_path, {"SERVICE_BINDING_ROOT": str(tmp_path / ("0" * 300))}, "ca-certificates") == []
