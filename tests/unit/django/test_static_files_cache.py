"""The key of Django's cached static files: the app's files, the environment, the settings, the packages,
and of the project's Python modules only those the settings' inspection loaded."""

import json
from dataclasses import replace

from cnb.layers import Layers
from django_buildpack import static_files_cache
from django_buildpack.settings import Settings

ENV = {static_files_cache.ENVIRONMENT_KEY_ENV_VAR: "venv-key-1", "SECRET_KEY": "s3cret"}
SETTINGS = Settings("5.2.8", "myproject.wsgi.application", True, True, "staticfiles", [], "", {})


def app(tmp_path):
    root = tmp_path / "app"
    (root / "static").mkdir(parents=True)
    (root / "static" / "site.css").write_text("body { color: red }\n")
    (root / "manage.py").write_text("print('manage')\n")
    (root / "myproject").mkdir()
    (root / "myproject" / "settings.py").write_text("STATIC_ROOT = 'staticfiles'\n")
    (root / "catalog").mkdir()
    (root / "catalog" / "models.py").write_text("# models\n")
    (root / "catalog" / "views.py").write_text("GREETING = 'hello'\n")
    return root


def state(root, env=ENV, settings_module="myproject.settings", project=None):
    return static_files_cache.app_state(root, project or root, env, settings_module)


def loaded(root):
    """What an inspection of the app in `app` would have loaded: the settings and the models."""
    settings = replace(SETTINGS, module_files=[str(root / "myproject" / "settings.py"), str(root / "catalog" / "models.py")])
    return static_files_cache.loaded_modules(root, settings, root / "manage.py")


def test_the_context_changes_with_any_other_file_the_environment_the_packages_or_the_settings_module(tmp_path):
    root = app(tmp_path)
    first = state(root).context
    assert state(root).context == first
    assert state(root, {**ENV, "HOSTNAME": "abc123", "CNB_BP_PLAN_PATH": "/tmp/plan.1/x"}).context == first
    # Present only when pycnb/apt kept its layer: the same libraries either way.
    assert state(root, {**ENV, "PYCNB_KEPT_LAYERS": "/layers/pycnb_apt/apt-env/reuse.json"}).context == first
    assert state(root, {**ENV, "SECRET_KEY": "other"}).context != first
    assert state(root, {**ENV, static_files_cache.ENVIRONMENT_KEY_ENV_VAR: "venv-key-2"}).context != first
    assert state(root, settings_module="myproject.other_settings").context != first
    (root / "catalog" / "views.py").write_text("GREETING = 'bonjour'\n")
    assert state(root).context == first, "a module's contents are not in the context"
    (root / "catalog" / "tasks.py").write_text("")
    assert state(root).context != first, "a new module is"
    with_tasks = state(root).context
    (root / "static" / "site.css").write_text("body { color: blue }\n")
    assert state(root).context != with_tasks


def test_modules_outside_the_project_folder_stay_in_the_context(tmp_path):
    root = app(tmp_path)
    (root / "backend").mkdir()
    (root / "backend" / "settings.py").write_text("")
    first = state(root, project=root / "backend")
    assert set(first.modules) == {"backend/settings.py"}
    (root / "catalog" / "views.py").write_text("GREETING = 'bonjour'\n")
    assert state(root, project=root / "backend").context != first.context


def test_no_key_without_the_python_buildpacks_environment_key(tmp_path):
    assert state(app(tmp_path), {"SECRET_KEY": "x"}) is None


def test_loaded_modules_are_resolved_paths_in_the_app_with_manage_py(tmp_path):
    root = app(tmp_path)
    (root / "settings_link.py").symlink_to(root / "myproject" / "settings.py")
    settings = replace(SETTINGS, module_files=[str(root / "settings_link.py"), "/usr/lib/python3.13/os.py"])
    assert static_files_cache.loaded_modules(root, settings, root / "manage.py") == ["manage.py", "myproject/settings.py"]


def test_a_change_to_a_module_nothing_loaded_keeps_the_static_files_and_a_loaded_one_does_not(tmp_path):
    root = app(tmp_path)
    static_root = root / "staticfiles"
    static_root.mkdir()
    (static_root / "site.css").write_text("collected\n")
    layers = Layers(tmp_path / "layers")
    static_files_cache.save(layers, state(root), SETTINGS, loaded(root), static_root)
    (root / "catalog" / "views.py").write_text("GREETING = 'bonjour'\n")
    cached = static_files_cache.restore(layers, state(root))
    assert cached is not None and cached.has_static_files and cached.settings == SETTINGS
    (static_root / "site.css").unlink()
    static_files_cache.unpack(layers, cached.key, static_root)
    assert (static_root / "site.css").read_text() == "collected\n"
    for module in ("catalog/models.py", "myproject/settings.py", "manage.py"):
        before = (root / module).read_text()
        (root / module).write_text(before + "# changed\n")
        assert static_files_cache.restore(layers, state(root)) is None, module
        (root / module).write_text(before)
    assert static_files_cache.restore(layers, state(root)) is not None
    assert "s3cret" not in (tmp_path / "layers" / "static-files.toml").read_text()


def test_the_last_three_results_are_kept_so_going_back_finds_its_static_files(tmp_path):
    root = app(tmp_path)
    static_root = root / "staticfiles"
    static_root.mkdir()
    layers = Layers(tmp_path / "layers")
    states = {}
    for css in ("k1", "k2", "k3"):
        (root / "static" / "site.css").write_text(f"{css}\n")
        (static_root / "site.css").write_text(f"from {css}\n")
        states[css] = state(root)
        static_files_cache.save(layers, states[css], SETTINGS, loaded(root), static_root)
    cached = static_files_cache.restore(layers, states["k1"])
    static_files_cache.unpack(layers, cached.key, static_root)
    assert (static_root / "site.css").read_text() == "from k1\n"
    static_files_cache.keep(layers, cached.key)  # used: now the newest, so k2 ages out next
    (root / "static" / "site.css").write_text("k4\n")
    states["k4"] = state(root)
    static_files_cache.save(layers, states["k4"], SETTINGS, loaded(root), None)
    assert [css for css in states if static_files_cache.restore(layers, states[css])] == ["k1", "k3", "k4"]
    assert len(list((tmp_path / "layers" / "static-files").iterdir())) == 3
    assert not static_files_cache.restore(layers, states["k4"]).has_static_files


def with_added(tmp_path, added, base="base-key-1"):
    """The env pycnb/python gives when it knows what it added on top of its environment layer."""
    listing = tmp_path / f"added-{len(list(tmp_path.glob('added-*')))}.json"
    listing.write_text(json.dumps(added))
    return {**ENV, static_files_cache.ENVIRONMENT_KEY_ENV_VAR: f"whole-{base}-{len(added)}",
            static_files_cache.BASE_KEY_ENV_VAR: base, static_files_cache.ADDED_ENV_VAR: str(listing),
            static_files_cache.DEPENDENCY_FILES_ENV_VAR: '["requirements.txt"]'}


EXTENSIONS = {"name": "django-extensions", "version": "4.1", "top_level": ["django_extensions"], "pth": False}
TOOLBAR = {"name": "django-debug-toolbar", "version": "6.0", "top_level": ["debug_toolbar"], "pth": False}
# What the inspection reached: Django and the app imported, debug_toolbar looked up and not found.
REACHED = replace(SETTINGS, module_names=["catalog", "debug_toolbar", "django", "myproject"], distributions_looked_up=["Django"])


def test_a_package_added_that_nothing_reached_keeps_the_static_files(tmp_path):
    root = app(tmp_path)
    (root / "requirements.txt").write_text("Django==5.2.8\n")
    static_root = root / "staticfiles"
    static_root.mkdir()
    layers = Layers(tmp_path / "layers")
    lookups = {"module_names": ["whitenoise"], "distributions_looked_up": []}
    static_files_cache.save(layers, state(root, with_added(tmp_path, [])), REACHED, loaded(root), static_root, lookups)
    # Added on top of the same environment layer, and imported by nothing that ran: the same entry, though the
    # requirements file changed (its contents are in the environment's keys).
    (root / "requirements.txt").write_text("Django==5.2.8\ndjango-extensions==4.1\n")
    assert static_files_cache.restore(layers, state(root, with_added(tmp_path, [EXTENSIONS]))) is not None
    # A package that installs a module the settings looked up (try: import debug_toolbar), or one collectstatic
    # imported, or that was asked for by name, or runs code at start-up, or a new environment layer: not.
    reached = [TOOLBAR, {**EXTENSIONS, "top_level": ["whitenoise_extra", "whitenoise"]}, {**EXTENSIONS, "name": "django"},
               {**EXTENSIONS, "pth": True}]
    for added in reached:
        assert static_files_cache.restore(layers, state(root, with_added(tmp_path, [EXTENSIONS, added]))) is None, added
    assert static_files_cache.restore(layers, state(root, with_added(tmp_path, [EXTENSIONS], base="base-key-2"))) is None
    # Without the list, the whole environment's key counts, as before.
    assert static_files_cache.restore(layers, state(root, {**ENV, static_files_cache.ENVIRONMENT_KEY_ENV_VAR: "other"})) is None


def test_an_entry_that_reached_an_added_package_needs_the_same_version_and_a_scan_of_all_needs_all(tmp_path):
    root = app(tmp_path)
    layers = Layers(tmp_path / "layers")
    static_files_cache.save(layers, state(root, with_added(tmp_path, [TOOLBAR])), REACHED, loaded(root), None)
    assert static_files_cache.restore(layers, state(root, with_added(tmp_path, [TOOLBAR, EXTENSIONS]))) is not None
    assert static_files_cache.restore(layers, state(root, with_added(tmp_path, [{**TOOLBAR, "version": "6.1"}]))) is None
    assert static_files_cache.restore(layers, state(root, with_added(tmp_path, []))) is None
    assert static_files_cache.restore(layers, state(root, with_added(tmp_path, [TOOLBAR, EXTENSIONS]))) is not None
    # pkg_resources reads every distribution without asking importlib.metadata: a scan of all.
    with_pkg_resources = replace(REACHED, module_names=[*REACHED.module_names, "pkg_resources"])
    static_files_cache.save(layers, state(root, with_added(tmp_path, [TOOLBAR])), with_pkg_resources, loaded(root), None)
    assert static_files_cache.restore(layers, state(root, with_added(tmp_path, [TOOLBAR, EXTENSIONS]))) is None
    scanning = replace(REACHED, distributions_looked_up=["*"])
    static_files_cache.save(layers, state(root, with_added(tmp_path, [])), scanning, loaded(root), None)
    assert static_files_cache.restore(layers, state(root, with_added(tmp_path, []))).settings == scanning
    assert static_files_cache.restore(layers, state(root, with_added(tmp_path, [EXTENSIONS]))) is None
