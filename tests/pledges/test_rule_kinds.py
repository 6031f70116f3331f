"""Validation rule kinds as one table (pledges/calc.py RULE_KINDS): what each
kind needs is refused when missing by clean(), by the database and in the
admin (a message, never a 500); evaluating any rule never raises."""

import importlib
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blocs.models import AuditEvent
from pledges import calc, services
from pledges.models import Indicator, ValidationRule

PURE = settings(max_examples=400, deadline=None, derandomize=True)
WITH_DB = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

CODES = ["new-projects", "new-projects-fdi", "new-projects-ddi", "export"]
codes_text = st.one_of(
    st.sampled_from(["", "+", " + ", "new-projects", "fdi+ddi", "export + x"]),
    st.lists(st.sampled_from([*CODES, "nope"]), max_size=3).map("+".join),
    st.text(max_size=20),
)
thresholds = st.one_of(
    st.none(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-10, max_value=10**5, places=4),
)
# Figures as the database keeps them: 20 digits, 4 of them decimals.
stored = st.one_of(
    st.none(),
    st.decimals(min_value=-(10**15), max_value=10**15, places=4, allow_nan=False),
)
figures = st.dictionaries(st.sampled_from(CODES), stored, max_size=4)
any_rule = st.builds(
    calc.Rule,
    id=st.integers(0, 10),
    message=st.just("rule"),
    severity=st.sampled_from(["error", "warning", "", "x"]),
    kind=st.sampled_from([*calc.RULE_KINDS, "", "other"]),
    left=codes_text,
    operator=st.sampled_from([*calc.OPERATORS, "", "lt", "=="]),
    right=codes_text,
    threshold=thresholds,
)


def test_the_table_names_every_kind_the_model_offers():
    assert set(calc.RULE_KINDS) == set(ValidationRule.Kind.values)
    assert set(calc.OPERATORS) == set(ValidationRule.Operator.values)


@PURE
@given(rules=st.lists(any_rule, max_size=4), actual=figures, plan=figures, last=figures)
def test_evaluating_any_rule_never_raises(rules, actual, plan, last):
    findings = calc.evaluate(rules, actual, plan, last)
    # Only complete rules find anything.
    assert all(not calc.rule_missing(f.rule) for f in findings)


@PURE
@given(rule=any_rule)
def test_the_migrations_frozen_check_agrees_with_the_table(rule):
    migration = importlib.import_module("pledges.migrations.0002_validation_rule_kinds")
    finite = rule.threshold is None or rule.threshold.is_finite()
    if finite:
        assert migration._complete(rule) == (not calc.rule_missing(rule))


@pytest.mark.parametrize(
    ("rule", "missing"),
    [
        (calc.Rule(1, "m", "error", "compare", "a", "", "b"), ["operator"]),
        (calc.Rule(1, "m", "error", "compare", "", "eq", "b"), ["left"]),
        (calc.Rule(1, "m", "error", "compare", "a", "eq", " + "), ["right"]),
        (calc.Rule(1, "m", "warning", "change"), ["threshold"]),
        (calc.Rule(1, "m", "warning", "plan_ratio", threshold=D(-1)), ["threshold"]),
        (calc.Rule(1, "m", "warning", "other", threshold=D(1)), ["kind"]),
        (calc.Rule(1, "m", "warning", "change", threshold=D("0.5")), []),
    ],
)
def test_each_kind_declares_what_it_needs(rule, missing):
    assert calc.rule_missing(rule) == missing


def test_an_incomplete_rule_checks_nothing_where_it_used_to_raise():
    """A comparison without an operator raised KeyError, a change rule
    without a threshold TypeError: the whole submission failed."""
    broken = [
        calc.Rule(1, "m", "error", "compare", "a", "", "b"),
        calc.Rule(2, "m", "warning", "change"),
    ]
    assert calc.evaluate(broken, {"a": D(1), "b": D(2)}, {}, {"a": D(9)}) == []


# The model, the database and the admin ------------------------------------------


@pytest.fixture
def catalogue(world):
    services.indicators_copy(bloc_year=world.own_year, actor=None)
    return world


def _rule(year, **fields) -> ValidationRule:
    return ValidationRule(
        bloc_year=year,
        name="Quy tắc",
        severity="error",
        **{"kind": "compare", "left": "", "operator": "", "right": "", **fields},
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"left": "new-projects", "right": "export"},
            "operator",
            "Choose an operator.",
        ),
        (
            {"left": "new-projects", "operator": "le"},
            "right",
            "Give at least one indicator code (codes joined by +).",
        ),
        ({"kind": "change"}, "threshold", "Give a threshold of 0 or more."),
        (
            {"kind": "plan_ratio", "threshold": D(-5)},
            "threshold",
            "Give a threshold of 0 or more.",
        ),
        (
            {"left": "new-projects", "operator": "le", "right": "nope"},
            "right",
            "Not in this year's catalogue: %(codes)s.",
        ),
    ],
)
def test_clean_refuses_an_incomplete_rule(catalogue, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        _rule(catalogue.own_year, **fields).full_clean()
    with translation.override("vi"):
        expected = gettext(message).replace("%(codes)s", "nope")
    assert refused.value.message_dict[field] == [expected]


@pytest.mark.parametrize(
    "fields",
    [
        {"left": "new-projects", "right": "export"},
        {"left": "new-projects", "operator": "lt", "right": "export"},
        {"operator": "eq", "right": "export"},
        {"kind": "change"},
        {"kind": "plan_ratio", "threshold": D(-1)},
        {"kind": "other", "threshold": D(1)},
    ],
)
def test_the_database_refuses_an_incomplete_rule_saved_around_clean(catalogue, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        _rule(catalogue.own_year, **fields).save()


def test_default_catalogue_rules_are_complete(catalogue):
    rules = ValidationRule.objects.filter(bloc_year=catalogue.own_year)
    assert rules.count() > 0
    for rule in rules:
        rule.full_clean()


@WITH_DB
@given(
    kind=st.sampled_from(list(calc.RULE_KINDS)),
    left=codes_text,
    operator=st.sampled_from([*calc.OPERATORS, ""]),
    right=codes_text,
    threshold=st.one_of(st.none(), st.decimals(min_value=-5, max_value=999, places=4)),
    actual=figures,
)
def test_every_rule_the_model_accepts_evaluates(
    catalogue, kind, left, operator, right, threshold, actual
):
    rule = _rule(
        catalogue.own_year,
        kind=kind,
        left=left[:255],
        operator=operator,
        right=right[:255],
        threshold=threshold,
    )
    try:
        rule.full_clean()
    except ValidationError:
        return
    with transaction.atomic():
        rule.save()
        stored = ValidationRule.objects.get(pk=rule.pk)
        calc.evaluate([stored.as_rule()], actual, actual, actual)
        transaction.set_rollback(True)


def _admin(name, *args):
    return reverse(f"admin:pledges_{name}", args=args)


def _rule_post(year, **fields) -> dict:
    return {
        "bloc_year": year.pk,
        "name": "Vốn thực hiện không vượt vốn đăng ký",
        "severity": "error",
        "kind": "compare",
        "left": "",
        "operator": "",
        "right": "",
        "threshold": "",
        "active": "on",
        **fields,
    }


def test_admin_refuses_an_incomplete_rule_with_a_message(catalogue, client_for):
    client = client_for(catalogue.users["secretariat"])
    before = ValidationRule.objects.count()
    response = client.post(
        _admin("validationrule_add"),
        _rule_post(catalogue.own_year, left="new-projects", right="export"),
    )
    assert response.status_code == 200
    assert "Chọn một phép so sánh." in response.text
    response = client.post(
        _admin("validationrule_add"),
        _rule_post(catalogue.own_year, kind="change", threshold=""),
    )
    assert response.status_code == 200
    assert "Hãy nhập ngưỡng từ 0 trở lên." in response.text
    assert ValidationRule.objects.count() == before


def test_admin_change_that_empties_a_threshold_is_refused(catalogue, client_for):
    rule = ValidationRule.objects.get(bloc_year=catalogue.own_year, kind="change")
    client = client_for(catalogue.users["secretariat"])
    response = client.post(
        _admin("validationrule_change", rule.pk),
        _rule_post(
            catalogue.own_year, name=rule.name, kind="change", severity="warning"
        ),
    )
    assert response.status_code == 200
    assert "Hãy nhập ngưỡng từ 0 trở lên." in response.text
    rule.refresh_from_db()
    assert rule.threshold == D("0.5")


def test_admin_rule_edit_is_audited_and_reads_vietnamese_numbers(catalogue, client_for):
    rule = ValidationRule.objects.get(bloc_year=catalogue.own_year, kind="change")
    client = client_for(catalogue.users["secretariat"])
    data = _rule_post(
        catalogue.own_year, name=rule.name, kind="change", severity="warning"
    )
    refused = client.post(
        _admin("validationrule_change", rule.pk), {**data, "threshold": "1_000"}
    )
    assert refused.status_code == 200
    assert "Nhập một số theo dạng 2.470,7" in refused.text
    response = client.post(
        _admin("validationrule_change", rule.pk), {**data, "threshold": "0,75"}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == D("0.75")
    event = AuditEvent.objects.get(action="rule.change", object_id=str(rule.pk))
    assert event.actor == catalogue.users["secretariat"]
    assert event.changes == {"threshold": ["0.5000", "0.75"]}


def test_admin_rule_add_and_delete_are_audited(catalogue, client_for):
    client = client_for(catalogue.users["secretariat"])
    response = client.post(
        _admin("validationrule_add"),
        _rule_post(catalogue.own_year, left="export", operator="ge", right="import"),
    )
    assert response.status_code == 302
    rule = ValidationRule.objects.get(bloc_year=catalogue.own_year, left="export")
    added = AuditEvent.objects.get(action="rule.add", object_id=str(rule.pk))
    assert added.changes["operator"] == [None, "ge"]
    response = client.post(_admin("validationrule_delete", rule.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not ValidationRule.objects.filter(pk=rule.pk).exists()
    deleted = AuditEvent.objects.get(action="rule.delete", object_id=str(rule.pk))
    assert deleted.changes["left"] == ["export", None]


def test_admin_indicator_edit_leaves_an_audit_row(catalogue, client_for):
    indicator = Indicator.objects.get(bloc_year=catalogue.own_year, code="export")
    client = client_for(catalogue.users["secretariat"])
    page = client.get(_admin("indicator_change", indicator.pk))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled or value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = field.widget.format_value(value) if field.localize else value
    data["name"] = "Kim ngạch xuất khẩu (điều chỉnh)"
    data["max_value"] = "1.000.000,5"
    response = client.post(_admin("indicator_change", indicator.pk), data)
    assert response.status_code == 302, response.text[:2000]
    indicator.refresh_from_db()
    assert indicator.max_value == D("1000000.5")
    event = AuditEvent.objects.get(
        action="indicator.change", object_id=str(indicator.pk)
    )
    assert event.actor == catalogue.users["secretariat"]
    assert set(event.changes) == {"name", "max_value"}
    assert event.changes["name"][1] == "Kim ngạch xuất khẩu (điều chỉnh)"


def test_an_indicator_code_the_rules_use_cannot_change(catalogue):
    indicator = Indicator.objects.get(bloc_year=catalogue.own_year, code="new-projects")
    indicator.code = "new-projects-total"
    with pytest.raises(ValidationError) as refused:
        services.indicator_save(
            indicator=indicator, actor=catalogue.users["secretariat"]
        )
    assert "code" in refused.value.message_dict
    assert Indicator.objects.filter(pk=indicator.pk, code="new-projects").exists()


@pytest.mark.parametrize("role", ["other_secretariat", "board_officer", "ministry"])
def test_only_the_years_secretariat_edits_its_rules(catalogue, role):
    rule = ValidationRule.objects.filter(bloc_year=catalogue.own_year).first()
    rule.name = "Đổi"
    with pytest.raises(PermissionDenied):
        services.rule_save(rule=rule, actor=catalogue.users[role])
    assert ValidationRule.objects.get(pk=rule.pk).name != "Đổi"


def test_a_closed_years_rules_cannot_change(catalogue):
    year = catalogue.own_year
    year.status = "closed"
    year.save()
    rule = ValidationRule.objects.filter(bloc_year=year).first()
    rule.name = "Đổi"
    with pytest.raises(ValidationError):
        services.rule_save(rule=rule, actor=None)
    with pytest.raises(ValidationError):
        services.rule_delete(rule=rule, actor=None)
    assert ValidationRule.objects.filter(pk=rule.pk).exclude(name="Đổi").exists()
