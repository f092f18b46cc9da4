"""The key of Django's cached static files: every app file, the environment, the settings, the packages."""

from cnb.layers import Layers
from django_buildpack import static_files_cache
from django_buildpack.settings import Settings

ENV = {static_files_cache.ENVIRONMENT_KEY_ENV_VAR: "venv-key-1", "SECRET_KEY": "s3cret"}
SETTINGS = Settings("5.2.8", "myproject.wsgi.application", True, True, "staticfiles", ["/workspace/myproject/settings.py"], "", {})


def app(tmp_path):
    root = tmp_path / "app"
    (root / "static").mkdir(parents=True)
    (root / "static" / "site.css").write_text("body { color: red }\n")
    (root / "manage.py").write_text("print('manage')\n")
    return root


def test_the_key_changes_with_any_app_file_the_environment_or_the_packages(tmp_path):
    root = app(tmp_path)
    first = static_files_cache.key(root, ENV, "myproject.settings")
    assert static_files_cache.key(root, ENV, "myproject.settings") == first
    assert static_files_cache.key(root, {**ENV, "HOSTNAME": "abc123", "CNB_BP_PLAN_PATH": "/tmp/plan.1/x"}, "myproject.settings") == first
    # Present only when pycnb/apt kept its layer: the same libraries either way.
    assert static_files_cache.key(root, {**ENV, "PYCNB_KEPT_LAYERS": "/layers/pycnb_apt/apt-env/reuse.json"}, "myproject.settings") == first
    assert static_files_cache.key(root, {**ENV, "SECRET_KEY": "other"}, "myproject.settings") != first
    assert static_files_cache.key(root, {**ENV, static_files_cache.ENVIRONMENT_KEY_ENV_VAR: "venv-key-2"}, "myproject.settings") != first
    assert static_files_cache.key(root, ENV, "myproject.other_settings") != first
    (root / "static" / "site.css").write_text("body { color: blue }\n")
    assert static_files_cache.key(root, ENV, "myproject.settings") != first


def test_no_key_without_the_python_buildpacks_environment_key(tmp_path):
    assert static_files_cache.key(app(tmp_path), {"SECRET_KEY": "x"}, "myproject.settings") is None


def test_saved_static_files_come_back_under_the_same_key_only(tmp_path):
    root = app(tmp_path)
    static_root = root / "staticfiles"
    static_root.mkdir()
    (static_root / "site.css").write_text("collected\n")
    layers = Layers(tmp_path / "layers")
    static_files_cache.save(layers, "k1", SETTINGS, static_root)
    assert static_files_cache.restore(layers, "k2") is None
    cached = static_files_cache.restore(layers, "k1")
    assert cached is not None and cached.has_static_files and cached.settings == SETTINGS
    (static_root / "site.css").unlink()
    static_files_cache.unpack(layers, "k1", static_root)
    assert (static_root / "site.css").read_text() == "collected\n"
    assert "s3cret" not in (tmp_path / "layers" / "static-files.toml").read_text()


def test_the_last_three_results_are_kept_so_going_back_finds_its_static_files(tmp_path):
    root = app(tmp_path)
    static_root = root / "staticfiles"
    static_root.mkdir()
    layers = Layers(tmp_path / "layers")
    for key in ("k1", "k2", "k3"):
        (static_root / "site.css").write_text(f"from {key}\n")
        static_files_cache.save(layers, key, SETTINGS, static_root)
    static_files_cache.unpack(layers, "k1", static_root)
    assert (static_root / "site.css").read_text() == "from k1\n"
    static_files_cache.keep(layers, "k1")  # used: now the newest, so k2 ages out next
    static_files_cache.save(layers, "k4", SETTINGS, None)
    assert [key for key in ("k1", "k2", "k3", "k4") if static_files_cache.restore(layers, key)] == ["k1", "k3", "k4"]
    assert sorted(path.name for path in (tmp_path / "layers" / "static-files").iterdir()) == ["k1", "k3", "k4"]
    assert not static_files_cache.restore(layers, "k4").has_static_files
