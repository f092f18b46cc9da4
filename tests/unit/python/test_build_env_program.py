"""pycnb-python-env read-only: a copy of the environment pointed at a copy of the runtime."""

from python_buildpack.build_env_program import point_environment_at


def test_a_copied_environment_runs_the_copied_runtime(tmp_path):
    installed = tmp_path / "layers" / "python"
    venv = tmp_path / "scratch" / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python3").symlink_to(installed / "bin" / "python3")
    (venv / "bin" / "python").symlink_to("python3")
    (venv / "pyvenv.cfg").write_text(f"home = {installed}/bin\ninclude-system-site-packages = false\nexecutable = {installed}/bin/python3.13\n")
    runtime = tmp_path / "scratch" / "python"

    point_environment_at(venv, runtime, installed)

    assert (venv / "bin" / "python3").readlink() == runtime / "bin" / "python3"
    assert (venv / "bin" / "python").readlink().name == "python3"
    assert (venv / "pyvenv.cfg").read_text() == f"home = {runtime}/bin\ninclude-system-site-packages = false\nexecutable = {runtime}/bin/python3.13\n"
