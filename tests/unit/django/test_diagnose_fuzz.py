"""Fuzz: any output of the app's settings, collectstatic or Django gives a build error with a title, never a traceback."""

from __future__ import annotations

from cnb.errors import BuildpackError
from django_buildpack import messages
from hypothesis import given
from hypothesis import strategies as st
from support.fuzz import ANY_TEXT, LONG, UNICODE, WHITESPACE, concatenations

OUTPUT = st.one_of(
    ANY_TEXT,
    concatenations(
        st.sampled_from(
            [
                "Traceback (most recent call last):\n", 'File "/workspace/myproject/settings.py", line 26, in <module>\n',
                "KeyError: 'SECRET_KEY'\n", "Set the DATABASE_URL environment variable", "The SECRET_KEY setting must not be empty",
                "The file 'css/x.png' could not be found with <", "whitenoise.storage.CompressedManifestStaticFilesStorage object",
                "SyntaxError: invalid syntax\n", "ModuleNotFoundError: No module named 'myproject'\n",
                "ModuleNotFoundError: No module named 'myproject.settings'\n", "ImproperlyConfigured: ",
                "SystemCheckError: System check identified some issues:\n", "\n\n", "line ", "'", '"', 'File "',
                ", line 99999999999999999999999", "<", ">",
            ]
        ),
        WHITESPACE, UNICODE, LONG,
        max_size=12,
    ),
)


@given(st.sampled_from(["collectstatic", "Importing the settings"]), OUTPUT, st.sampled_from(["myproject.settings", "myproject", "x"]))
def test_any_output_gives_a_build_error_with_a_title(what, text, settings_module):
    error = messages.diagnose(what, text, settings_module)
    assert isinstance(error, BuildpackError) and error.title
