import pytest

from cnb.errors import BuildpackError
from python_buildpack import requirements


def write(app, name, text):
    path = app / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_includes_are_followed_recursively_once(tmp_path):
    root = write(tmp_path, "requirements.txt", "-r base.txt\n--constraint=constraints.txt\n-r requirements/common.txt\nDjango\n")
    write(tmp_path, "base.txt", "-r requirements/common.txt\n")
    write(tmp_path, "requirements/common.txt", "gunicorn\n")
    write(tmp_path, "constraints.txt", "gunicorn==23.0.0\n")
    files = requirements.collect(root, tmp_path)
    assert [str(f.path.relative_to(tmp_path)) for f in files] == ["requirements.txt", "base.txt", "requirements/common.txt",
                                                                  "constraints.txt"]


@pytest.mark.parametrize(("files", "details"), [
    ({"requirements.txt": "-r requirements.txt\n"},
     "requirements.txt, line 1: '-r requirements.txt'\nrequirements.txt is already being read"),
    ({"requirements.txt": "-r base.txt\n", "base.txt": "Django\n-r requirements/common.txt\n",
      "requirements/common.txt": "-r ../base.txt\n"},
     "requirements/common.txt, line 1: '-r ../base.txt'\nbase.txt is already being read"),
])
def test_an_include_loop_is_refused_as_pip_refuses_it(tmp_path, files, details):
    for name, text in files.items():
        write(tmp_path, name, text)
    with pytest.raises(BuildpackError) as raised:
        requirements.collect(tmp_path / "requirements.txt", tmp_path)
    assert raised.value.title == "Requirements files include each other in a loop"
    assert raised.value.details.startswith(details)


def test_digest_changes_with_any_included_file(tmp_path):
    root = write(tmp_path, "requirements.txt", "-r base.txt\n")
    write(tmp_path, "base.txt", "Django==5.2.8\n")
    before = requirements.digest(requirements.collect(root, tmp_path), tmp_path)
    write(tmp_path, "base.txt", "Django==5.2.9\n")
    assert requirements.digest(requirements.collect(root, tmp_path), tmp_path) != before


def test_missing_include_names_file_and_line(tmp_path):
    root = write(tmp_path, "requirements.txt", "Django\n-r missing.txt\n")
    with pytest.raises(BuildpackError) as raised:
        requirements.collect(root, tmp_path)
    assert raised.value.title == "A requirements include is missing"
    assert raised.value.details == "requirements.txt, line 2: '-r missing.txt'\nmissing.txt does not exist."


def test_include_outside_the_app_is_refused(tmp_path):
    app = tmp_path / "app"
    root = write(app, "requirements.txt", "-r ../../etc/passwd\n")
    with pytest.raises(BuildpackError) as raised:
        requirements.collect(root, app)
    assert raised.value.title == "A requirements include points outside the app"


@pytest.mark.parametrize("text", ["", "# nothing yet\n\n", "\n  \n"])
def test_empty_requirements_are_read_and_reported_as_listing_nothing(tmp_path, text):
    # pip installs nothing from such a file and succeeds; the build warns instead of failing.
    root = write(tmp_path, "requirements.txt", text)
    files = requirements.collect(root, tmp_path)
    assert requirements.lists_nothing(files)


def test_an_include_that_lists_a_package_is_not_empty(tmp_path):
    root = write(tmp_path, "requirements.txt", "# see base.txt\n-r base.txt\n")
    write(tmp_path, "base.txt", "Django\n")
    assert not requirements.lists_nothing(requirements.collect(root, tmp_path))


def test_requirements_txt_may_be_a_link_into_a_subfolder(tmp_path):
    write(tmp_path, "backend/requirements.txt", "Django==5.2.8\n")
    (tmp_path / "requirements.txt").symlink_to("backend/requirements.txt")
    assert requirements.find(tmp_path) == tmp_path / "requirements.txt"
    files = requirements.collect(tmp_path / "requirements.txt", tmp_path)
    assert [(str(f.path.relative_to(tmp_path)), f.text) for f in files] == [("requirements.txt", "Django==5.2.8\n")]


def test_an_include_in_a_linked_file_is_read_from_the_links_folder_as_pip_does(tmp_path):
    # pip joins `-r base.txt` to the folder of the file as named: ./base.txt, not backend/base.txt.
    write(tmp_path, "backend/requirements.txt", "-r base.txt\n")
    write(tmp_path, "backend/base.txt", "Django\n")
    write(tmp_path, "base.txt", "gunicorn\n")
    (tmp_path / "requirements.txt").symlink_to("backend/requirements.txt")
    files = requirements.collect(tmp_path / "requirements.txt", tmp_path)
    assert [str(f.path.relative_to(tmp_path)) for f in files] == ["requirements.txt", "base.txt"]


def test_an_include_missing_beside_a_link_names_where_it_is(tmp_path):
    write(tmp_path, "backend/requirements.txt", "-r base.txt\n")
    write(tmp_path, "backend/base.txt", "Django\n")
    (tmp_path / "requirements.txt").symlink_to("backend/requirements.txt")
    with pytest.raises(BuildpackError) as raised:
        requirements.collect(tmp_path / "requirements.txt", tmp_path)
    assert raised.value.title == "A requirements include is missing"
    assert "backend/base.txt exists there" in raised.value.details
    assert "`-r backend/base.txt`" in raised.value.fix[0]


@pytest.mark.parametrize("name", ["requirement.txt", "Requirements.txt", "requirments.txt"])
def test_misspelt_file_passes_detect_and_fails_build_with_the_right_name(tmp_path, name):
    write(tmp_path, name, "Django\n")
    assert requirements.has_requirements(tmp_path)
    with pytest.raises(BuildpackError) as raised:
        requirements.find(tmp_path)
    assert raised.value.title == f"Found {name}, expected requirements.txt"


def test_no_requirements_fails_detect(tmp_path):
    assert not requirements.has_requirements(tmp_path)


def test_requirements_that_are_not_utf8_name_the_line(tmp_path):
    root = tmp_path / "requirements.txt"
    root.write_bytes(b"Django==5.2.8\ngunicorn\xff==23\n")
    with pytest.raises(BuildpackError) as raised:
        requirements.collect(root, tmp_path)
    assert raised.value.title == "requirements.txt is not UTF-8 text"
    assert raised.value.details.startswith("requirements.txt, line 2,")


def test_requirements_in_is_found_when_there_is_no_requirements_txt(tmp_path):
    write(tmp_path, "requirements.in", "Django\n")
    assert requirements.needs_compiling(requirements.find(tmp_path))
    write(tmp_path, "requirements.txt", "Django==5.2.8\n")
    assert requirements.find(tmp_path).name == "requirements.txt"


def test_an_include_with_an_unbalanced_quote_is_a_missing_include_not_a_crash(tmp_path):
    root = write(tmp_path, "requirements.txt", '-r "base.txt\n')
    with pytest.raises(BuildpackError) as raised:
        requirements.collect(root, tmp_path)
    assert raised.value.title == "A requirements include is missing"


@pytest.mark.parametrize("name", ["a" * 300, "x/" * 2100])  # found by the fuzz tests: longer than a file name or path may be
def test_an_include_with_a_name_too_long_for_the_system_is_a_missing_include_not_a_crash(tmp_path, name):
    root = write(tmp_path, "requirements.txt", f"-r {name}\n")
    with pytest.raises(BuildpackError) as raised:
        requirements.collect(root, tmp_path)
    assert raised.value.title == "A requirements include is missing"


def test_every_line_is_checked_before_anything_is_downloaded(tmp_path):
    root = write(tmp_path, "requirements.txt", "-r base.txt\n")
    write(tmp_path, "base.txt", "Django==5.2.8\n--no-such-option\n")
    with pytest.raises(BuildpackError) as raised:
        requirements.collect(root, tmp_path)
    assert raised.value.details.startswith("base.txt, line 2: pip does not know the option --no-such-option")
