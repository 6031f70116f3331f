import pytest
from django.utils import translation

from blocs import services as bloc_services
from blocs.templatetags.vn import num
from pledges import services
from pledges.models import Indicator, Submission
from tests import factories


@pytest.fixture
def reporting(world):
    """world.own_year with the default catalogue, a pledge and one open
    submission per member; the other bloc's year likewise."""
    for year in (world.own_year, world.other_year):
        services.indicators_copy(bloc_year=year, actor=None)
        services.submissions_prepare(bloc_year=year, actor=None)
        services.pledge_create(bloc_year=year, actor=None)
    return world


def submission_of(world, board) -> Submission:
    return Submission.objects.select_related("bloc_year").get(
        board=board, bloc_year__year=world.own_year.year
    )


def indicator(bloc_year, code) -> Indicator:
    return Indicator.objects.get(bloc_year=bloc_year, code=code)


def vi(number) -> str:
    """A stored number as a Vietnamese user sees and types it (2.470,7)."""
    if number is None:
        return ""
    with translation.override("vi"):
        return num(number)


def form_data(submission, **by_code) -> dict:
    """POST data for the report form: the stored values, with changes given
    as code=value (actual), plan__code=value, note__code=value."""
    data = {"version": str(submission.version), "award_target": submission.award_target}
    for value in submission.values.select_related("indicator"):
        key = value.indicator_id
        data[f"note_{key}"] = value.note
        if value.indicator.has_plan:
            data[f"plan_{key}"] = vi(value.plan)
        if value.indicator.kind == "text":
            data[f"text_{key}"] = value.text
        else:
            data[f"actual_{key}"] = vi(value.actual)
    codes = {
        v.indicator.code: v.indicator_id
        for v in submission.values.select_related("indicator")
    }
    for name, typed in by_code.items():
        field, _, code = name.rpartition("__")
        code = code.replace("_", "-")
        data[f"{field or 'actual'}_{codes[code]}"] = typed
    return data


@pytest.fixture
def big_year(world):
    """world.own_year with 36 member boards x 28 indicators = 1,008 values."""
    year = world.own_year
    for _ in range(33):
        bloc_services.membership_set(bloc_year=year, board=factories.board())
    services.indicators_copy(bloc_year=year, actor=None)
    services.submissions_prepare(bloc_year=year, actor=None)
    return year
