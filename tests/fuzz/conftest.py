import pytest

from pledges import services
from scoring import services as scoring


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def reporting(world):
    """world.own_year with the default catalogue and one open report per
    member, a frozen scale and so every member's score."""
    year = world.own_year
    services.indicators_copy(bloc_year=year, actor=None)
    services.submissions_prepare(bloc_year=year, actor=None)
    scale = scoring.scale_create(bloc_year=year, actor=None)
    scoring.scale_freeze(scale=scale, actor=None)
    return world
