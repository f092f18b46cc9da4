import pytest

from support.apps import EXAMPLE_APP, copy_app
from support.images import pack_build, remove_image_and_cache, unique_image


@pytest.fixture(scope="session")
def example_image(builder_image, tmp_path_factory):
    """The example Django app (startproject + requirements.txt + Procfile), built once per session."""
    app = copy_app(EXAMPLE_APP, tmp_path_factory.mktemp("example") / "app")
    image = "pycnb-test/example:latest"
    result = pack_build(image, app)
    assert result.returncode == 0, result.log
    return image, result.log


@pytest.fixture
def new_image(docker_client):
    """Gives unique image names (other work trees build on the same daemon); removes the images and their caches afterwards."""
    made: list[str] = []

    def make(purpose: str) -> str:
        made.append(unique_image(purpose))
        return made[-1]

    yield make
    for image in made:
        remove_image_and_cache(docker_client, image)
