"""The app's text files are read only from inside the app, up to a size, as UTF-8."""

import pytest

from cnb.errors import BuildpackError
from python_buildpack import app_files


@pytest.mark.parametrize("target", ["/etc/passwd", "/proc/self/environ", "../outside.txt"])
def test_a_link_out_of_the_app_is_refused_unread(tmp_path, target):
    app = tmp_path / "app"
    app.mkdir()
    (tmp_path / "outside.txt").write_text("secret-outside\n")
    (app / "requirements.txt").symlink_to(target)
    with pytest.raises(BuildpackError) as raised:
        app_files.read_text(app / "requirements.txt", app)
    assert raised.value.title == "requirements.txt is a link to a file outside the app"
    assert "root:" not in raised.value.details and "secret-outside" not in raised.value.details


def test_a_link_inside_the_app_is_read(tmp_path):
    (tmp_path / "base.txt").write_text("Django\n")
    (tmp_path / "requirements.txt").symlink_to("base.txt")
    assert app_files.read_text(tmp_path / "requirements.txt", tmp_path) == "Django\n"


def test_a_file_over_the_limit_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(app_files, "MAX_TEXT_FILE_BYTES", 1024)
    (tmp_path / "requirements.txt").write_text("Django\n" * 1000)
    with pytest.raises(BuildpackError) as raised:
        app_files.read_text(tmp_path / "requirements.txt", tmp_path)
    assert raised.value.title == "requirements.txt is too large"


def test_errors_name_the_file_by_its_path_in_the_app(tmp_path):
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "base.txt").write_bytes(b"\x89PNG\x00")
    with pytest.raises(BuildpackError) as raised:
        app_files.read_text(tmp_path / "requirements" / "base.txt", tmp_path)
    assert raised.value.title == "requirements/base.txt is not UTF-8 text"
