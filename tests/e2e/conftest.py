import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import pack_build


@pytest.fixture(scope="session")
def example_image(builder_image, tmp_path_factory):
    """The example Django app (startproject + requirements.txt + Procfile), built once per session."""
    app = copy_app(EXAMPLE_APP, tmp_path_factory.mktemp("example") / "app")
    image = "pycnb-test/example:latest"
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    return image, result.log
