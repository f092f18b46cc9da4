"""poetry.lock as pip requirement lines: what `poetry install --only <groups>` takes, or None where only Poetry can tell."""

import pytest

from python_buildpack.package_managers import poetry_lock

HASH = "sha256:" + "a" * 64


def package(name, groups=("main",), **fields):
    return {"name": name, "version": "1.0", "groups": list(groups), "files": [{"file": f"{name}-1.0.whl", "hash": HASH}], **fields}


def lock(*packages, version="2.1"):
    return {"metadata": {"lock-version": version}, "package": list(packages)}


def lines(the_lock, groups=("main",), **options):
    found = poetry_lock.pip_install(the_lock, groups, options.get("package_mode", False), options.get("env", {}),
                                    options.get("app_dir", poetry_lock.Path("/nonexistent")))
    return None if found is None else (found.lines, found.index_url)


def test_the_groups_packages_with_their_markers_and_hashes():
    found = lines(lock(
        package("a"),
        package("b", ("dev",)),
        package("c", ("main", "dev"), markers="sys_platform == 'win32'"),
        package("d", ("main", "docs"), markers={"main": "python_version < '3.12'", "docs": "os_name == 'nt'"}),
        package("e", ("main", "docs"), markers={"docs": "os_name == 'nt'"}),  # main takes it always
        package("F_g", ("main",)),
    ))
    assert found == ((
        f"a==1.0 --hash={HASH}",
        f'c==1.0 ; (sys_platform == "win32") --hash={HASH}',
        f'd==1.0 ; (python_version < "3.12") --hash={HASH}',
        f"e==1.0 --hash={HASH}",
        f"f-g==1.0 --hash={HASH}",
    ), poetry_lock.PYPI_SIMPLE)
    both = lines(lock(package("d", ("main", "docs"), markers={"main": "python_version < '3.12'", "docs": "os_name == 'nt'"})),
                 ("main", "docs"))
    assert both[0] == (f'd==1.0 ; (os_name == "nt") or (python_version < "3.12") --hash={HASH}',)


def test_packages_from_one_other_index_are_installed_from_it():
    source = {"type": "legacy", "url": "https://pypi.example.com/simple", "reference": "private"}
    assert lines(lock(package("a", source=source), package("b", ("dev",))))[1] == "https://pypi.example.com/simple"


@pytest.mark.parametrize("the_lock", [
    lock(package("a"), version="2.0"),  # no groups or markers per package
    lock({"name": "a", "version": "1.0", "files": []}),  # no groups
    lock(package("a", source={"type": "git", "url": "https://github.com/a/a.git"})),
    lock(package("a", source={"type": "directory", "url": "a"})),
    lock(package("a", source={"type": "legacy", "url": "https://x.example/simple"}), package("b")),  # two indexes
    lock(package("a", source={"type": "legacy", "url": "https://user:token@x.example/simple"})),
    lock(package("a", files=[])),
    lock(package("a", files=[{"file": "a.whl", "hash": "md5:00"}])),
    lock(package("a", markers="python_version >>> '3'")),
    lock(package("a", markers=3)),
    lock(package("a", markers="(" * 5000 + "python_version < '3'" + ")" * 5000)),
    {"package": [package("a")]},
])
def test_what_pip_cannot_be_told_is_left_to_poetry(the_lock):
    assert lines(the_lock) is None


def test_poetry_settings_and_the_project_as_a_package_are_left_to_poetry(tmp_path):
    assert lines(lock(package("a")), package_mode=True) is None
    assert lines(lock(package("a")), env={"POETRY_INSTALLER_NO_BINARY": ":all:"}) is None
    (tmp_path / "poetry.toml").write_text("")
    assert lines(lock(package("a")), app_dir=tmp_path) is None
