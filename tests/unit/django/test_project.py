"""Finding the Django project: manage.py, the settings module, the Procfile's commands, read only from the app's own files."""

import io

import pytest

from cnb.context import DetectContext, Target
from cnb.errors import DetectFail
from cnb.log import Logger
from cnb import app_files
from django_buildpack import main, project


def test_manage_py_outside_the_app_is_not_inside(tmp_path):
    assert not app_files.inside_app(project.manage_py(tmp_path, {"BP_DJANGO_MANAGE_PY": "/etc/passwd"}), tmp_path)
    assert not app_files.inside_app(project.manage_py(tmp_path, {"BP_DJANGO_MANAGE_PY": "../manage.py"}), tmp_path)
    assert app_files.inside_app(project.manage_py(tmp_path, {"BP_DJANGO_MANAGE_PY": "src/manage.py"}), tmp_path)


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
    assert app_files.inside_app(manage, tmp_path)


def test_a_link_chain_that_leaves_the_app_is_not_inside(tmp_path):
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "manage.py").symlink_to("/etc/passwd")
    (tmp_path / "manage.py").symlink_to("backend/manage.py")
    assert not app_files.inside_app(project.manage_py(tmp_path, {}), tmp_path)


def test_wsgi_beside_settings_is_looked_for_in_the_project_folder(tmp_path):
    (tmp_path / "backend" / "mysite").mkdir(parents=True)
    (tmp_path / "backend" / "mysite" / "wsgi.py").write_text("")
    assert project.wsgi_beside_settings(tmp_path / "backend", "mysite.settings") == "mysite.wsgi.application"
    assert project.wsgi_beside_settings(tmp_path, "mysite.settings") is None


def test_a_settings_module_too_long_for_the_system_has_no_wsgi_beside_it(tmp_path):
    assert project.wsgi_beside_settings(tmp_path, "a" * 300) is None


def test_a_bp_django_manage_py_too_long_for_the_system_fails_detect_with_a_reason(tmp_path):
    (tmp_path / "requirements.txt").write_text("Django\n")
    context = DetectContext(tmp_path, tmp_path, tmp_path, Target(), {project.MANAGE_PY_ENV_VAR: "0" * 300},
                            build_plan_path=tmp_path / "plan.toml")
    with pytest.raises(DetectFail) as raised:
        main.detect(context, Logger(io.StringIO()))
    assert "0" * 300 in raised.value.reason


def test_procfile_processes_running_a_command(tmp_path):
    (tmp_path / "Procfile").write_text("# release: python manage.py collectstatic\n"
                                       "web: python manage.py migrate && python manage.py collectstatic --no-input"
                                       " && gunicorn myproject.wsgi\n"
                                       "worker: celery -A myproject worker\n")
    assert project.procfile_processes_running(tmp_path, "collectstatic") == ["web"]
    assert project.procfile_processes_running(tmp_path / "missing", "collectstatic") == []


def test_procfile_commands_keep_the_last_definition_of_a_name(tmp_path):
    (tmp_path / "Procfile").write_text("web: gunicorn a.wsgi\n# worker: x\nweb: gunicorn b.wsgi\nrelease: ./release.sh\n")
    assert project.procfile_commands(tmp_path) == {"web": " gunicorn b.wsgi", "release": " ./release.sh"}
    assert project.procfile_commands(tmp_path / "missing") == {}


def detect_reason(app, env=None):
    context = DetectContext(app, app, app, Target(), env or {}, build_plan_path=app / "plan.toml")
    with pytest.raises(DetectFail) as raised:
        main.detect(context, Logger(io.StringIO()))
    return raised.value.reason


def test_the_only_manage_py_one_folder_down_is_the_project(tmp_path):
    """Pipfile or requirements at the top, the Django project in app/ (`cd app && python manage.py`)."""
    (tmp_path / "app" / "app").mkdir(parents=True)
    (tmp_path / "app" / "manage.py").write_text("")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "manage.py").write_text("")
    manage = project.manage_py(tmp_path, {})
    assert manage == tmp_path / "app" / "manage.py"
    assert project.project_dir(manage) == (tmp_path / "app").resolve()
    assert project.found_one_folder_down(manage, tmp_path, {})
    assert not project.found_one_folder_down(manage, tmp_path, {project.MANAGE_PY_ENV_VAR: "app/manage.py"})


def test_manage_py_at_the_top_or_named_wins_over_one_folder_down(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "manage.py").write_text("")
    (tmp_path / "manage.py").write_text("")
    assert project.manage_py(tmp_path, {}) == tmp_path / "manage.py"
    assert project.manage_py(tmp_path, {project.MANAGE_PY_ENV_VAR: "other/manage.py"}) == tmp_path / "other" / "manage.py"


def test_several_manage_py_one_folder_down_fail_detect_naming_them(tmp_path):
    (tmp_path / "requirements.txt").write_text("Django\n")
    for folder in ("api", "web"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "manage.py").write_text("")
    assert project.manage_py(tmp_path, {}) == tmp_path / "manage.py"
    reason = detect_reason(tmp_path)
    assert "several folders hold one (api/manage.py, web/manage.py)" in reason and "BP_DJANGO_MANAGE_PY" in reason


def test_a_manage_py_one_folder_down_that_leads_out_of_the_app_is_not_taken(tmp_path):
    (tmp_path / "requirements.txt").write_text("Django\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "manage.py").symlink_to("/etc/passwd")
    assert project.manage_py(tmp_path, {}) == tmp_path / "manage.py"
    assert "manage.py is missing (at the top or one folder down)" in detect_reason(tmp_path)
