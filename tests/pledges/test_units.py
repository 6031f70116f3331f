"""Units of measure: figures typed in a compatible unit are converted exactly
to the indicator's, money across VND and USD only with the year's rate; the
import's unit column is honoured; totals never mix units (seed 002)."""

from decimal import Decimal as D

import pytest
import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from blocs import services as bloc_services
from blocs.models import AuditEvent, BlocYear
from pledges import services, units
from pledges.importexport import ValueResource
from pledges.models import ExchangeRate, Indicator, Submission, Value
from pledges.selectors import bloc_totals
from pledges.services import Entry
from reports import documents
from tests import factories
from tests.pledges.conftest import form_data, submission_of

RATE = D("23633")  # VND per USD, as a secretariat would set it for 2022


def _url(submission):
    return reverse("pledges:submission", args=[submission.pk])


def _value(submission, code) -> Value:
    return Value.objects.get(submission=submission, indicator__code=code)


def _set_rate(world, rate=RATE, source="NHNN 31/12/2022"):
    return services.exchange_rate_set(
        bloc_year=world.own_year,
        vnd_per_usd=rate,
        source=source,
        actor=world.users["secretariat"],
    )


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, their msgids (the Vietnamese
    translations come with the catalogue)."""
    with translation.override("en"):
        yield


@pytest.fixture
def own(reporting):
    return submission_of(reporting, reporting.own_boards[2])


# 1. The table, without a database -------------------------------------------


def test_billion_vnd_to_million_usd_goes_through_the_rate_exactly():
    # 5.143,7 tỷ đồng = 5,1437e12 VND; / 23.633 = 217.649,05... USD.
    assert units.convert(
        D("5143.7"), source="billion_vnd", target="million_usd", vnd_per_usd=RATE
    ) == D("217.6491")
    assert units.convert(
        D("1000"), source="million_usd", target="billion_vnd", vnd_per_usd=D("25000")
    ) == D("25000")


def test_within_a_currency_and_for_area_factors_are_exact_powers_of_ten():
    assert units.convert(D("1.527"), source="billion_usd", target="million_usd") == D(
        "1527"
    )
    assert units.convert(D("763.86"), source="million_vnd", target="billion_vnd") == D(
        "0.7639"
    )
    assert units.convert(D("42.52"), source="km2", target="ha") == D("4252")


@pytest.mark.parametrize(
    ("source", "target", "rate", "code"),
    [
        ("billion_vnd", "million_usd", None, "no_rate"),
        ("million_usd", "million_vnd", D(0), "no_rate"),
        ("ha", "million_usd", RATE, "incompatible"),
        ("persons", "projects", None, "incompatible"),
        ("none", "count", None, "incompatible"),
    ],
)
def test_conversion_refused_without_rate_or_across_dimensions(
    source, target, rate, code
):
    with pytest.raises(units.ConversionError) as caught:
        units.convert(D(1), source=source, target=target, vnd_per_usd=rate)
    assert caught.value.code == code


def test_every_unit_has_a_dimension_and_compatible_units_share_it():
    for code in units.Unit.values:
        spec = units.UNITS[code]
        assert spec.dimension in units.Dimension.values
        for other in units.compatible(code):
            assert units.UNITS[other].dimension == spec.dimension
    assert units.compatible("million_usd") == [
        "million_usd",
        "billion_usd",
        "million_vnd",
        "billion_vnd",
    ]
    assert units.compatible("ha") == ["ha", "km2"]
    # Projects and count only rename each other: no choice offered.
    assert units.compatible("projects") == ["projects"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("tỷ đồng", "billion_vnd"),
        ("Tỷ  Đồng", "billion_vnd"),
        ("triệu USD", "million_usd"),
        ("million USD", "million_usd"),
        ("billion_vnd", "billion_vnd"),
        ("km²", "km2"),
        ("ha", "ha"),
        ("furlongs", None),
        ("", None),
    ],
)
def test_a_unit_cell_is_read_in_either_language(typed, code):
    assert units.unit_lookup(typed) == code


# 2. The board's form ----------------------------------------------------------


def test_billion_vnd_for_a_million_usd_indicator_is_refused_without_the_rate(
    reporting, own, client_for, settings
):
    export = Indicator.objects.get(bloc_year=reporting.own_year, code="export")
    client = client_for(reporting.users["board_officer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = form_data(own, export="5,143.7")
    data[f"actual_unit_{export.pk}"] = "billion_vnd"
    response = client.post(_url(own), data)
    assert response.status_code == 400
    assert (
        "Giá trị xuất khẩu is counted in million USD: a figure in billion VND "
        "needs the exchange rate of 2023, which the secretariat has not set yet."
    ) in response.text.replace("&#x27;", "'")
    value = _value(own, "export")
    assert (value.actual, value.actual_entered, value.actual_entered_unit) == (
        None,
        None,
        "",
    )
    own.refresh_from_db()
    assert own.version == 1


def test_billion_vnd_converted_with_the_years_rate_and_kept_as_typed(
    reporting, own, client_for
):
    _set_rate(reporting)
    export = Indicator.objects.get(bloc_year=reporting.own_year, code="export")
    client = client_for(reporting.users["board_officer"])
    data = form_data(own, export="5.143,7")
    data[f"actual_unit_{export.pk}"] = "billion_vnd"
    response = client.post(_url(own), data)
    assert response.status_code == 302
    value = _value(own, "export")
    assert value.actual == D("217.6491")
    assert (value.actual_entered, value.actual_entered_unit) == (
        D("5143.7"),
        "billion_vnd",
    )
    event = AuditEvent.objects.filter(action="submission.save").latest("pk")
    assert event.changes["export"]["actual"] == [None, "217.6491"]
    assert event.changes["export"]["actual_entered"] == [None, "5143.7 billion_vnd"]
    # The form shows the figure as typed, in the unit it was typed in.
    page = client.get(_url(own)).text
    assert 'value="5.143,7"' in page
    assert '<option value="billion_vnd" selected>' in page
    # Saved again unchanged, nothing changes.
    own.refresh_from_db()
    data = form_data(own)
    data[f"actual_{export.pk}"] = "5.143,7"
    data[f"actual_unit_{export.pk}"] = "billion_vnd"
    version = own.version
    client.post(_url(own), data)
    own.refresh_from_db()
    assert own.version == version


def test_a_unit_of_another_dimension_is_refused_by_the_service(reporting, own):
    _set_rate(reporting)
    export = Indicator.objects.get(bloc_year=reporting.own_year, code="export")
    with pytest.raises(ValidationError, match="cannot be given in"):
        services.submission_save(
            submission=own,
            actor=reporting.users["board_officer"],
            expected_version=own.version,
            entries={export.pk: Entry(actual=D(3), actual_unit="ha")},
        )
    assert _value(own, "export").actual is None


def test_hectares_and_square_km_convert_without_a_rate(reporting, own):
    area = Indicator.objects.get(bloc_year=reporting.own_year, code="zones-area")
    services.submission_save(
        submission=own,
        actor=reporting.users["board_officer"],
        expected_version=own.version,
        entries={area.pk: Entry(actual=D("42.52"), actual_unit="km2")},
    )
    value = _value(own, "zones-area")
    assert (value.actual, value.actual_entered, value.actual_entered_unit) == (
        D("4252"),
        D("42.52"),
        "km2",
    )


# 3. Seed 002: mixed units as the article gives them --------------------------

# Khối Trung du miền núi phía Bắc, 2022 (seed 002): export and import value
# as each board's report gives it.
SEED_002_TRADE = [
    ("Yên Bái", D("5143.7"), "billion_vnd"),
    ("Hòa Bình", D("763.86"), "million_vnd"),
    ("Phú Thọ", D("10200"), "million_usd"),
    ("Bắc Kạn", D("20"), "million_usd"),
    ("Tuyên Quang", D("66"), "million_usd"),
]


@pytest.fixture
def seed_002(db):
    bloc = factories.bloc(short_name="KTĐ TDMNPB")
    boards = [
        factories.board(short_name=f"BQL {name}", province=name)
        for name, _n, _u in SEED_002_TRADE
    ]
    year = factories.bloc_year(bloc=bloc, year=2022, members=boards, head=boards[0])
    services.indicators_copy(bloc_year=year, actor=None)
    services.submissions_prepare(bloc_year=year, actor=None)
    officers = [factories.user(role="board_officer", board=b) for b in boards]
    secretariat = factories.user(role="secretariat", bloc=bloc)
    return year, boards, officers, secretariat


def _enter_trade(year, boards, officers) -> list[str]:
    """Each board enters its trade value as the article gives it; returns
    the refusals."""
    refused = []
    export = Indicator.objects.get(bloc_year=year, code="export")
    for (_name, number, unit), board, officer in zip(
        SEED_002_TRADE, boards, officers, strict=True
    ):
        sub = Submission.objects.get(bloc_year=year, board=board)
        try:
            services.submission_save(
                submission=sub,
                actor=officer,
                expected_version=sub.version,
                entries={export.pk: Entry(actual=number, actual_unit=unit)},
            )
        except ValidationError as error:
            refused.append(" ".join(error.messages))
    return refused


def _export_total(year):
    return next(r for r in bloc_totals(year) if r.indicator.code == "export").total


def test_seed_002_mixed_units_never_reach_a_total_unconverted(seed_002):
    year, boards, officers, secretariat = seed_002
    # Without a rate the VND figures are refused: the total holds only USD.
    refused = _enter_trade(year, boards, officers)
    assert len(refused) == 2
    assert all("exchange rate of 2022" in message for message in refused)
    assert _export_total(year).actual == D("10286")
    # With the year's rate they are converted before anything adds them.
    services.exchange_rate_set(
        bloc_year=year, vnd_per_usd=RATE, source="", actor=secretariat
    )
    assert _enter_trade(year, boards, officers) == []
    total = _export_total(year)
    yen_bai = D("5143.7") * D("1e9") / RATE / D("1e6")
    hoa_binh = D("763.86") * D("1e6") / RATE / D("1e6")
    expected = (
        yen_bai.quantize(D("0.0001"))
        + hoa_binh.quantize(D("0.0001"))
        + D("10200")
        + D("20")
        + D("66")
    )
    assert total.actual == expected == D("10503.6814")
    # What a total of the figures as typed would have said.
    assert total.actual != sum(n for _b, n, _u in SEED_002_TRADE)
    # Every figure a total adds is in the indicator's unit: those typed in
    # another unit convert back to what is stored.
    for value in Value.objects.filter(
        submission__bloc_year=year, indicator__code="export"
    ).select_related("indicator"):
        if value.actual_entered_unit:
            assert value.actual == units.convert(
                value.actual_entered,
                source=value.actual_entered_unit,
                target=value.indicator.unit,
                vnd_per_usd=RATE,
            )


def test_changing_the_rate_converts_typed_figures_again(seed_002):
    year, boards, officers, secretariat = seed_002
    services.exchange_rate_set(
        bloc_year=year, vnd_per_usd=RATE, source="", actor=secretariat
    )
    _enter_trade(year, boards, officers)
    services.exchange_rate_set(
        bloc_year=year, vnd_per_usd=D("25000"), source="", actor=secretariat
    )
    yen_bai = Value.objects.get(
        submission__board=boards[0], indicator__code="export"
    ).actual
    assert yen_bai == D("205.748")
    event = AuditEvent.objects.filter(action="exchange_rate.set").latest("pk")
    assert event.changes["vnd_per_usd"] == ["23633.00", "25000"]
    assert event.changes["reconverted"][f"{boards[0].short_name}/export"] == {
        "actual": ["217.6491", "205.7480"]
    }


def test_rate_change_refused_while_a_converted_figure_is_submitted(seed_002):
    year, boards, officers, secretariat = seed_002
    services.exchange_rate_set(
        bloc_year=year, vnd_per_usd=RATE, source="", actor=secretariat
    )
    _enter_trade(year, boards, officers)
    sub = Submission.objects.get(bloc_year=year, board=boards[0])
    Submission.objects.filter(pk=sub.pk).update(status=Submission.Status.SUBMITTED)
    with pytest.raises(ValidationError, match=boards[0].short_name):
        services.exchange_rate_set(
            bloc_year=year, vnd_per_usd=D("25000"), source="", actor=secretariat
        )
    assert ExchangeRate.objects.get(bloc_year=year).vnd_per_usd == RATE
    assert Value.objects.get(submission=sub, indicator__code="export").actual == D(
        "217.6491"
    )


def test_the_summary_prints_the_years_rate(seed_002):
    year, boards, officers, secretariat = seed_002
    services.exchange_rate_set(
        bloc_year=year,
        vnd_per_usd=RATE,
        source="tỷ giá trung tâm NHNN ngày 30/12/2022",
        actor=secretariat,
    )
    _enter_trade(year, boards, officers)
    html = documents.render_preview("summary", year)
    assert (
        "quy đổi theo tỷ giá năm 2022: 1 USD = 23.633 đồng "
        "(tỷ giá trung tâm NHNN ngày 30/12/2022)" in html
    )
    assert "10.503,68" in html


def test_a_summary_without_a_rate_prints_none(seed_002):
    year = seed_002[0]
    assert "1 USD =" not in documents.render_preview("summary", year)


# 4. The import's unit column --------------------------------------------------

HEADERS = ["bloc", "year", "board", "indicator", "unit", "plan", "actual"]


def _import(user, rows, *, dry_run=False):
    with translation.override("en"):
        dataset = tablib.Dataset(*rows, headers=HEADERS)
        return ValueResource(user=user).import_data(dataset, dry_run=dry_run)


def _errors(result) -> list[tuple[int, str]]:
    return [
        (row.number, message)
        for row in result.invalid_rows
        for messages in row.error_dict.values()
        for message in messages
    ]


def _rows(year, boards):
    short = year.bloc.short_name
    return [
        [short, 2022, boards[0].short_name, "export", "tỷ đồng", "", "5143.7"],
        [short, 2022, boards[2].short_name, "export", "million USD", "", "10200"],
        [short, 2022, boards[3].short_name, "export", "", "", "20"],
        [short, 2022, boards[4].short_name, "zones-area", "km²", "", "0.3"],
    ]


def test_import_converts_a_row_in_another_unit(seed_002):
    year, boards, _officers, secretariat = seed_002
    services.exchange_rate_set(
        bloc_year=year, vnd_per_usd=RATE, source="", actor=secretariat
    )
    result = _import(secretariat, _rows(year, boards))
    assert _errors(result) == []
    assert not result.has_errors()
    yen_bai = Value.objects.get(submission__board=boards[0], indicator__code="export")
    assert (yen_bai.actual, yen_bai.actual_entered, yen_bai.actual_entered_unit) == (
        D("217.6491"),
        D("5143.7"),
        "billion_vnd",
    )
    area = Value.objects.get(submission__board=boards[4], indicator__code="zones-area")
    assert (area.actual, area.actual_entered_unit) == (D("30"), "km2")
    assert _export_total(year).actual == D("217.6491") + D("10200") + D("20")
    event = AuditEvent.objects.filter(action="submission.import").latest("pk")
    assert "actual_entered" in next(iter(event.changes.values()))


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        ("tỷ đồng", "needs the exchange rate of 2022"),
        ("ha", "is counted in million USD: it cannot be given in ha"),
        ("furlongs", "“furlongs” is not a unit the portal knows"),
    ],
)
def test_import_refuses_a_row_in_a_unit_it_cannot_convert(seed_002, unit, message):
    year, boards, _officers, secretariat = seed_002
    rows = _rows(year, boards)
    rows[0][4:] = ["", "", "217"]
    rows[1][4] = unit  # the second row: its row number is 2
    result = _import(secretariat, rows)
    errors = _errors(result)
    assert [number for number, _m in errors] == [2]
    assert message in errors[0][1]
    # All or nothing: the good rows were not written either.
    assert not Value.objects.filter(
        submission__bloc_year=year, actual__isnull=False
    ).exists()


def test_import_refusal_in_the_admin_names_the_row(seed_002, client_for):
    from pledges.admin.values import import_problem

    year, boards, _officers, secretariat = seed_002
    rows = _rows(year, boards)
    result = _import(secretariat, rows)
    with translation.override("en"):
        problem = import_problem(result)
        assert "row 1" in problem
        assert "exchange rate of 2022" in problem


# 5. Who may set the rate --------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["board_officer", "other_secretariat", "ministry", "anonymous"]
)
def test_only_the_years_secretariat_sets_the_rate(reporting, role):
    user = reporting.users[role]
    with pytest.raises(PermissionDenied):
        services.exchange_rate_set(
            bloc_year=reporting.own_year,
            vnd_per_usd=RATE,
            source="",
            actor=user if user is not None else factories.user(),
        )
    assert not ExchangeRate.objects.exists()


def test_setting_the_rate_is_audited(reporting):
    rate = _set_rate(reporting)
    event = AuditEvent.objects.get(action="exchange_rate.set")
    assert event.object_id == str(rate.pk)
    assert event.changes["vnd_per_usd"] == [None, "23633"]
    assert event.actor == reporting.users["secretariat"]


def test_a_closed_years_rate_is_fixed(reporting):
    _set_rate(reporting)
    bloc_services.bloc_year_upsert(
        bloc=reporting.own,
        year=reporting.own_year.year,
        status=BlocYear.Status.CLOSED,
    )
    with pytest.raises(ValidationError, match="closed"):
        services.exchange_rate_set(
            bloc_year=reporting.own_year,
            vnd_per_usd=D("25000"),
            source="",
            actor=reporting.users["superuser"],
        )
    assert ExchangeRate.objects.get().vnd_per_usd == RATE


@pytest.mark.parametrize("typed", ["0", "-5"])
def test_a_rate_of_zero_or_below_is_refused(reporting, typed):
    with pytest.raises(ValidationError):
        _set_rate(reporting, rate=D(typed))
    assert not ExchangeRate.objects.exists()


ADD = "admin:pledges_exchangerate_add"
LIST = "admin:pledges_exchangerate_changelist"


def _change(rate):
    return reverse("admin:pledges_exchangerate_change", args=[rate.pk])


def test_secretariat_sets_the_rate_in_the_admin(reporting, client_for):
    client = client_for(reporting.users["secretariat"])
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse(ADD),
        {"bloc_year": reporting.own_year.pk, "vnd_per_usd": "23633", "source": "x"},
    )
    assert response.status_code == 302, response.text
    rate = ExchangeRate.objects.get()
    assert (rate.vnd_per_usd, rate.set_by) == (RATE, reporting.users["secretariat"])
    assert AuditEvent.objects.filter(action="exchange_rate.set").count() == 1


def test_a_bad_rate_in_the_admin_is_shown_and_nothing_stored(reporting, client_for):
    client = client_for(reporting.users["secretariat"])
    response = client.post(
        reverse(ADD),
        {"bloc_year": reporting.own_year.pk, "vnd_per_usd": "0", "source": ""},
    )
    assert response.status_code == 200
    assert "errornote" in response.text
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    ("role", "list_status", "change_status"),
    [
        ("anonymous", 302, 302),
        ("board_officer", 302, 302),
        ("other_secretariat", 200, 302),
        ("ministry", 200, 200),
        ("secretariat", 200, 200),
    ],
)
def test_rate_admin_per_role(reporting, client_for, role, list_status, change_status):
    rate = _set_rate(reporting)
    client = client_for(reporting.users[role])
    listing = client.get(reverse(LIST))
    assert listing.status_code == list_status
    if list_status == 200:
        # Another bloc's secretariat does not see this bloc's rate.
        assert (str(reporting.own_year) in listing.text) == (
            role != "other_secretariat"
        )
    assert client.get(_change(rate)).status_code == change_status
    if role == "ministry":
        # Read only: a post changes nothing.
        response = client.post(_change(rate), {"vnd_per_usd": "1", "source": "hijack"})
        assert response.status_code == 403
        rate.refresh_from_db()
        assert rate.vnd_per_usd == RATE


# 6. The catalogue: a unit belongs to its dimension ----------------------------


def test_an_indicator_unit_outside_its_dimension_is_refused(reporting):
    indicator = Indicator.objects.get(bloc_year=reporting.own_year, code="export")
    assert indicator.dimension == "money"
    indicator.unit = "ha"
    with pytest.raises(ValidationError, match="does not measure"):
        services.indicator_save(
            indicator=indicator, actor=reporting.users["secretariat"]
        )
    indicator.refresh_from_db()
    assert indicator.unit == "million_usd"


def test_the_indicator_admin_offers_units_grouped_by_dimension(reporting, client_for):
    client = client_for(reporting.users["secretariat"])
    indicator = Indicator.objects.get(bloc_year=reporting.own_year, code="export")
    page = client.get(
        reverse("admin:pledges_indicator_change", args=[indicator.pk])
    ).text
    assert "<optgroup" in page
    assert 'value="billion_vnd"' in page


@pytest.mark.parametrize(
    ("unit", "kind", "expected"),
    [
        ("million_usd", "decimal", ("million_usd", "money")),
        ("billion_vnd", "decimal", ("billion_vnd", "money")),
        ("triệu USD", "decimal", ("million_usd", "money")),
        ("tỷ  đồng", "decimal", ("billion_vnd", "money")),
        ("ha", "decimal", ("ha", "area")),
        ("projects", "integer", ("projects", "count")),
        ("persons", "integer", ("persons", "people")),
        ("none", "boolean", ("none", "yes_no")),
        ("none", "text", ("none", "none")),
        ("furlongs", "decimal", None),
    ],
)
def test_the_migration_reads_dimension_and_unit_from_the_unit_text(
    unit, kind, expected
):
    import importlib

    migration = importlib.import_module(
        "pledges.migrations.0005_units_and_exchange_rate"
    )
    assert migration.unit_and_dimension(unit, kind) == expected


def test_the_migration_leaves_every_catalogue_unit_in_its_dimension(reporting):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "pledges.migrations.0005_units_and_exchange_rate"
    )
    migration.fill_dimensions(apps, None)
    for indicator in Indicator.objects.all():
        assert indicator.unit in units.units_of(indicator.dimension)
        # The frozen table agrees with today's.
        assert indicator.dimension == units.dimension_of(
            indicator.unit, kind=indicator.kind
        )


def test_a_rule_mixing_units_is_refused(reporting):
    rule = services.rule_build(
        bloc_year=reporting.own_year,
        name="Export within import",
        severity="error",
        kind="compare",
        left="export+new-capital-vnd",
        operator="le",
        right="import",
        threshold=None,
    )
    with pytest.raises(ValidationError, match="figures of one unit only"):
        services.rule_save(rule=rule, actor=reporting.users["secretariat"])
    rule.left = "export"
    services.rule_save(rule=rule, actor=reporting.users["secretariat"])
    assert rule.pk is not None
