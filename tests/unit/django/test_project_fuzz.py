"""Fuzz: Django's readers of the app (requirements, manage.py, settings module, env) never give a traceback."""

from __future__ import annotations

import io

from cnb.context import DetectContext, Target
from cnb.errors import DetectFail
from cnb.log import Logger
from django_buildpack import collectstatic, dependencies, main, project
from hypothesis import given
from hypothesis import strategies as st
from support.fuzz import ENV_TEXT, LINE_FRAGMENT, LONG, UNICODE, WHITESPACE, app_dir, concatenations, lines_of

REQUIREMENTS = st.one_of(
    st.binary(max_size=200),
    lines_of(
        concatenations(
            LINE_FRAGMENT, st.sampled_from(["-r base.txt", "-rbase.txt", "--requirement=base.txt", "-r requirements.txt", "-r ", "-r \0"])
        )
    ).map(str.encode),
)
MANAGE_PY = st.one_of(
    st.binary(max_size=200),
    concatenations(
        st.sampled_from(
            [
                "os.environ.setdefault(", "'DJANGO_SETTINGS_MODULE'", '"DJANGO_SETTINGS_MODULE"', ", ", "'mysite.settings'", "'a'", ")",
                "\n", "'my site'", "'.'", "'x..y'", "'1x'", "'mysite.settings.'",
            ]
        ),
        WHITESPACE, UNICODE, LONG,
    ).map(str.encode),
)
MODULE = st.one_of(ENV_TEXT, concatenations(st.sampled_from(["mysite", ".", "settings", "_", "1", "/", "a" * 300]), UNICODE))


@given(REQUIREMENTS, REQUIREMENTS)
def test_any_requirements_give_a_set_of_names(main, base):
    with app_dir() as app:
        (app / "requirements.txt").write_bytes(main)
        (app / "base.txt").write_bytes(base)
        assert isinstance(dependencies.declared_packages(app), set)


@given(MANAGE_PY, st.one_of(st.just(""), MODULE))
def test_any_manage_py_gives_a_settings_module_or_none(data, env_module):
    with app_dir() as app:
        (app / "manage.py").write_bytes(data)
        (app / "mysite").mkdir()
        (app / "mysite" / "wsgi.py").write_text("")
        module = project.settings_module(app / "manage.py", {"DJANGO_SETTINGS_MODULE": env_module} if env_module else {})
        if module is not None and project.is_module_path(module):
            project.wsgi_beside_settings(app, module)


@given(st.one_of(ENV_TEXT, LONG, st.sampled_from(["../manage.py", "/etc/passwd", "backend/manage.py", ".", "manage.py/"])))
def test_any_bp_django_manage_py_passes_detect_or_fails_it(value):
    with app_dir() as app:
        (app / "requirements.txt").write_text("Django\n")
        (app / "manage.py").write_text("")
        context = DetectContext(app, app, app, Target(), {project.MANAGE_PY_ENV_VAR: value}, build_plan_path=app / "plan.toml")
        try:
            main.detect(context, Logger(io.StringIO()))
        except DetectFail:
            pass


@given(ENV_TEXT, ENV_TEXT)
def test_any_collectstatic_switch_is_on_or_off(disable, switch):
    collectstatic.turned_off({collectstatic.DISABLE_ENV_VAR: disable, collectstatic.SWITCH_ENV_VAR: switch})
