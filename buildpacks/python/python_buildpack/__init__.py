"""pycnb's Python buildpack: CPython from the runtime index, dependencies into a virtual environment."""
