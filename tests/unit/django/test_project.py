"""Finding the Django project: declared packages are read only from the app's own files."""

import io

import pytest

from cnb.context import DetectContext, Target
from cnb.errors import DetectFail
from cnb.log import Logger
from django_buildpack import main, project


def test_declared_packages_follow_includes(tmp_path):
    (tmp_path / "requirements.txt").write_text("-r base.txt\ngunicorn==23.0.0\n")
    (tmp_path / "base.txt").write_text("Django==5.2.8  # the framework\n")
    assert project.declared_packages(tmp_path) == {"django", "gunicorn"}


def test_requirements_linked_out_of_the_app_are_not_read(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (tmp_path / "outside.txt").write_text("Django==5.2.8\n")
    (app / "requirements.txt").symlink_to(tmp_path / "outside.txt")
    assert project.declared_packages(app) == set()


def test_an_include_linked_out_of_the_app_is_not_read(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (tmp_path / "outside.txt").write_text("Django==5.2.8\n")
    (app / "requirements.txt").write_text("-r base.txt\n")
    (app / "base.txt").symlink_to(tmp_path / "outside.txt")
    assert project.declared_packages(app) == set()


def test_manage_py_outside_the_app_is_not_inside(tmp_path):
    assert not project.inside_app(project.manage_py(tmp_path, {"BP_DJANGO_MANAGE_PY": "/etc/passwd"}), tmp_path)
    assert not project.inside_app(project.manage_py(tmp_path, {"BP_DJANGO_MANAGE_PY": "../manage.py"}), tmp_path)
    assert project.inside_app(project.manage_py(tmp_path, {"BP_DJANGO_MANAGE_PY": "src/manage.py"}), tmp_path)


def test_settings_module_must_be_a_dotted_path():
    assert project.is_module_path("myproject.settings") and project.is_module_path("settings")
    assert not project.is_module_path("myproject/settings.py") and not project.is_module_path("myproject.settings.")


def test_the_project_folder_is_that_of_the_resolved_manage_py_as_python_takes_it(tmp_path):
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "manage.py").write_text("")
    (tmp_path / "manage.py").symlink_to("backend/manage.py")
    manage = project.manage_py(tmp_path, {})
    assert project.real_manage_py(manage) == (tmp_path / "backend" / "manage.py").resolve()
    assert project.project_dir(manage) == (tmp_path / "backend").resolve()
    assert project.inside_app(manage, tmp_path)


def test_a_link_chain_that_leaves_the_app_is_not_inside(tmp_path):
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "manage.py").symlink_to("/etc/passwd")
    (tmp_path / "manage.py").symlink_to("backend/manage.py")
    assert not project.inside_app(project.manage_py(tmp_path, {}), tmp_path)


def test_wsgi_beside_settings_is_looked_for_in_the_project_folder(tmp_path):
    (tmp_path / "backend" / "mysite").mkdir(parents=True)
    (tmp_path / "backend" / "mysite" / "wsgi.py").write_text("")
    assert project.wsgi_beside_settings(tmp_path / "backend", "mysite.settings") == "mysite.wsgi.application"
    assert project.wsgi_beside_settings(tmp_path, "mysite.settings") is None


def test_declared_packages_read_a_linked_requirements_file_and_its_includes_as_pip_does(tmp_path):
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "requirements.txt").write_text("Django==5.2.8\n-r base.txt\n")
    (tmp_path / "base.txt").write_text("gunicorn\n")  # pip opens includes from the link's folder
    (tmp_path / "backend" / "base.txt").write_text("celery\n")
    (tmp_path / "requirements.txt").symlink_to("backend/requirements.txt")
    assert project.declared_packages(tmp_path) == {"django", "gunicorn"}


# Found by the fuzz tests: each name is longer than the system looks up, and pathlib raised an OSError.
def test_an_include_too_long_for_the_system_is_not_read(tmp_path):
    (tmp_path / "requirements.txt").write_text("Django\n-r " + "a" * 300 + "\n")
    assert project.declared_packages(tmp_path) == {"django"}


def test_a_settings_module_too_long_for_the_system_has_no_wsgi_beside_it(tmp_path):
    assert project.wsgi_beside_settings(tmp_path, "a" * 300) is None


def test_a_bp_django_manage_py_too_long_for_the_system_fails_detect_with_a_reason(tmp_path):
    (tmp_path / "requirements.txt").write_text("Django\n")
    context = DetectContext(tmp_path, tmp_path, tmp_path, Target(), {project.MANAGE_PY_ENV_VAR: "0" * 300}, build_plan_path=tmp_path / "plan.toml")
    with pytest.raises(DetectFail) as raised:
        main.detect(context, Logger(io.StringIO()))
    assert "0" * 300 in raised.value.reason


def test_procfile_processes_running_a_command(tmp_path):
    (tmp_path / "Procfile").write_text("# release: python manage.py collectstatic\n"
                                       "web: python manage.py migrate && python manage.py collectstatic --no-input && gunicorn myproject.wsgi\n"
                                       "worker: celery -A myproject worker\n")
    assert project.procfile_processes_running(tmp_path, "collectstatic") == ["web"]
    assert project.procfile_processes_running(tmp_path / "missing", "collectstatic") == []


def test_declared_packages_come_from_pyproject_dependencies_without_a_requirements_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\ndependencies = ['Django>=5.2', 'gunicorn', 7, '>>bad']\n")
    assert project.declared_packages(tmp_path) == {"django", "gunicorn"}
    (tmp_path / "requirements.txt").write_text("flask\n")
    assert project.declared_packages(tmp_path) == {"flask"}


@pytest.mark.parametrize("text", ["[project\n", "project = 1\n", "[project]\ndependencies = 'Django'\n", "a = " + "[" * 2000 + "]" * 2000])
def test_an_unreadable_pyproject_declares_nothing(tmp_path, text):
    (tmp_path / "pyproject.toml").write_text(text)
    assert project.declared_packages(tmp_path) == set()
