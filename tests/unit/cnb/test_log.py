import io

from cnb.errors import BuildpackError
from cnb.log import Logger, mask_url_credentials


def test_url_password_is_masked_and_user_kept():
    assert mask_url_credentials("pip install -i https://alice:s3cret@pypi.example.com/simple x") == (
        "pip install -i https://alice:****@pypi.example.com/simple x"
    )


def test_url_token_without_password_is_masked():
    assert mask_url_credentials("git+https://ghp_abcdef123@github.com/org/repo") == "git+https://****@github.com/org/repo"


def test_url_without_credentials_is_unchanged():
    assert mask_url_credentials("https://pypi.org/simple") == "https://pypi.org/simple"


def test_registered_secret_is_masked_in_every_line():
    stream = io.StringIO()
    log = Logger(stream)
    log.add_secret("hunter2-long")
    log.step("password is hunter2-long")
    log.output("again hunter2-long here")
    assert "hunter2-long" not in stream.getvalue()
    assert stream.getvalue().count("****") == 2


def test_error_block_has_title_details_and_numbered_fix():
    stream = io.StringIO()
    Logger(stream).error(BuildpackError("Thing failed", "found x", ["do a", "do b"]))
    assert stream.getvalue() == "\n! ERROR: Thing failed\n!\n! found x\n!\n! To fix this:\n!   1. do a\n!   2. do b\n\n"


def test_secret_names():
    from cnb.log import is_secret_name

    for name in ["SECRET_KEY", "DJANGO_SECRET_KEY", "DB_PASSWORD", "API_TOKEN", "AWS_SECRET_ACCESS_KEY", "DATABASE_URL",
                 "SENTRY_DSN", "REDIS_AUTH"]:
        assert is_secret_name(name), name
    for name in ["PATH", "PORT", "DEBUG", "DJANGO_SETTINGS_MODULE", "KEYBOARD", "PIP_INDEX_URL"]:
        assert not is_secret_name(name), name


def test_secrets_from_env_are_masked():
    stream = io.StringIO()
    log = Logger(stream)
    log.add_secrets_from_env({"SECRET_KEY": "django-insecure-abc123", "DEBUG": "true"})
    log.step("SECRET_KEY=django-insecure-abc123 DEBUG=true")
    assert stream.getvalue() == "- SECRET_KEY=**** DEBUG=true\n"


def test_multi_line_fix_steps_stay_in_the_error_block():
    stream = io.StringIO()
    Logger(stream).error(BuildpackError("Broken", fix=["first line\n  second line"]))
    assert stream.getvalue().endswith("! To fix this:\n!   1. first line\n!        second line\n\n")
