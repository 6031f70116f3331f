"""The year's arithmetic, without a database."""

from decimal import Decimal as D

import pytest

from pledges import calc

RULES = [
    calc.Rule(1, "FDI + DDI = total", "error", "compare", "fdi+ddi", "eq", "total"),
    calc.Rule(2, "realised ≤ registered", "error", "compare", "real", "le", "reg"),
    calc.Rule(3, "moves > 50%", "warning", "change", "", "", "", D("0.5")),
    calc.Rule(4, "> 300% of plan", "warning", "plan_ratio", "", "", "", D("300")),
]


def test_percent_of_plan_reproduces_seed_000():
    assert calc.percent_of_plan(D("2470.7"), D("1016.87")) == D("242.97")
    assert calc.percent_of_plan(D("210764.9"), D("195168")) == D("107.99")
    assert calc.percent_of_plan(D("38561"), D("33430")) == D("115.35")


@pytest.mark.parametrize(("actual", "plan"), [(None, D(1)), (D(1), None), (D(1), D(0))])
def test_percent_of_plan_is_none_without_both_figures(actual, plan):
    assert calc.percent_of_plan(actual, plan) is None


def test_bloc_total_sums_present_values_and_counts_reporters():
    total = calc.bloc_total("x", [(D("1.5"), D(1)), (None, D(2)), (D("2.5"), None)])
    assert (total.actual, total.plan, total.reported) == (D(4), D(3), 2)
    assert total.percent == D("133.33")


def test_bloc_total_of_nothing_is_none():
    total = calc.bloc_total("x", [(None, None)])
    assert (total.actual, total.plan, total.percent) == (None, None, None)


def test_compare_rule_broken_and_kept():
    broken = calc.evaluate(RULES[:1], {"fdi": D(3), "ddi": D(2), "total": D(6)}, {}, {})
    assert [f.rule.id for f in broken] == [1]
    assert broken[0].codes == ("fdi", "ddi", "total")
    kept = calc.evaluate(RULES[:1], {"fdi": D(3), "ddi": D(3), "total": D(6)}, {}, {})
    assert kept == []


def test_compare_rule_waits_until_something_is_entered():
    assert (
        calc.evaluate(RULES[:1], {"fdi": None, "ddi": None, "total": None}, {}, {})
        == []
    )
    # One side entered: the missing side counts as zero.
    assert len(calc.evaluate(RULES[:1], {"fdi": D(1), "total": None}, {}, {})) == 1


def test_less_or_equal_rule():
    assert calc.evaluate(RULES[1:2], {"real": D(5), "reg": D(4)}, {}, {})
    assert not calc.evaluate(RULES[1:2], {"real": D(4), "reg": D(4)}, {}, {})


def test_change_from_last_year_beyond_share():
    findings = calc.evaluate(
        RULES[2:3],
        {"a": D(160), "b": D(140), "c": D(1)},
        {},
        {"a": D(100), "b": D(100)},
    )
    assert [f.codes for f in findings] == [("a",)]
    assert findings[0].figures == {"now": D(160), "before": D(100)}


def test_percent_of_plan_above_bound():
    findings = calc.evaluate(
        RULES[3:4], {"a": D(301), "b": D(300)}, {"a": D(100), "b": D(100)}, {}
    )
    assert [f.codes for f in findings] == [("a",)]
    assert not findings[0].is_error


def test_parse_codes_ignores_spaces_and_empty_parts():
    assert calc.parse_codes(" a + b+ +c ") == ["a", "b", "c"]
