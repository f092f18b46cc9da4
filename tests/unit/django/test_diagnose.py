"""Django's failures, read from its traceback or output, each named with its fix."""

from django_buildpack import messages

TRACEBACK = '''Traceback (most recent call last):
  File "/layers/pycnb_python/venv/lib/python3.13/site-packages/django/conf/__init__.py", line 81, in __getattr__
    self._setup(name)
  File "/workspace/myproject/settings.py", line 26, in <module>
    SECRET_KEY = os.environ['SECRET_KEY']
                 ~~~~~~~~~~^^^^^^^^^^^^^^
  File "<frozen os>", line 717, in __getitem__
KeyError: 'SECRET_KEY'
'''


def test_env_var_only_at_run_time_names_the_variable_and_how_to_set_it():
    error = messages.diagnose("collectstatic", TRACEBACK, "myproject.settings")
    assert error.title == "collectstatic failed: the settings need SECRET_KEY, which is not set at build time"
    assert error.details.endswith("myproject/settings.py, line 26: SECRET_KEY = os.environ['SECRET_KEY']\nKeyError: 'SECRET_KEY'")
    assert error.fix[0].startswith("Give it a build-time value: `pack build --env SECRET_KEY=<value>`")


def test_django_environ_style_message():
    error = messages.diagnose("collectstatic", "django.core.exceptions.ImproperlyConfigured: Set the DATABASE_URL environment variable",
                              "p.settings")
    assert error.title == "collectstatic failed: the settings need DATABASE_URL, which is not set at build time"


def test_missing_module_of_the_app_versus_the_settings_module():
    assert messages.diagnose("x", "ModuleNotFoundError: No module named 'celery'", "p.settings").title == (
        "x failed: the app imports celery, which is not installed")
    assert messages.diagnose("x", "ModuleNotFoundError: No module named 'p'", "p.settings").title == (
        "x failed: the settings module p.settings cannot be imported")


def test_unknown_failures_keep_the_last_lines():
    error = messages.diagnose("collectstatic", "line one\nsomething odd happened", "p.settings")
    assert error.title == "collectstatic failed"
    assert "something odd happened" in error.details


def test_an_unknown_failure_names_the_command_that_reproduces_it():
    settings = messages.diagnose("Importing the settings", "AttributeError: 'str' object has no attribute 'setdefault'", "p.settings")
    assert settings.title == "Importing the settings failed"
    assert settings.fix[0] == "Run `python manage.py check` locally to reproduce it."
    assert messages.diagnose("collectstatic", "OSError: disk full", "p.settings").fix[0] == (
        "Run `python manage.py collectstatic --noinput` locally to reproduce it.")
