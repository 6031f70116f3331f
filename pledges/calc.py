"""Pure arithmetic of the year's figures: % of plan, totals, validation rules.

No ORM here: plain Decimals and small dataclasses, tested without a database.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def percent_of_plan(actual: Decimal | None, plan: Decimal | None) -> Decimal | None:
    """Actual as a percentage of plan, rounded half up to two decimals.

    Seed 000: 2.470,7 against a plan of 1.016,87 → 242,97.
    """
    if actual is None or plan is None or plan == 0:
        return None
    return (actual * HUNDRED / plan).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_codes(expression: str) -> list[str]:
    """``"a+b + c"`` → ``["a", "b", "c"]``."""
    return [code.strip() for code in expression.split("+") if code.strip()]


@dataclass(frozen=True)
class Total:
    code: str
    actual: Decimal | None
    plan: Decimal | None
    reported: int  # how many boards gave an actual value

    @property
    def percent(self) -> Decimal | None:
        return percent_of_plan(self.actual, self.plan)


def bloc_total(
    code: str, rows: Iterable[tuple[Decimal | None, Decimal | None]]
) -> Total:
    """Sum (actual, plan) pairs over boards; a missing value adds nothing."""
    actual = plan = None
    reported = 0
    for row_actual, row_plan in rows:
        if row_actual is not None:
            actual = (actual or Decimal(0)) + row_actual
            reported += 1
        if row_plan is not None:
            plan = (plan or Decimal(0)) + row_plan
    return Total(code=code, actual=actual, plan=plan, reported=reported)


@dataclass(frozen=True)
class Rule:
    id: int
    message: str
    severity: str  # "error" | "warning"
    kind: str  # a key of RULE_KINDS
    left: str = ""
    operator: str = ""
    right: str = ""
    threshold: Decimal | None = None


@dataclass(frozen=True)
class Finding:
    rule: Rule
    codes: tuple[str, ...]
    figures: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def is_error(self) -> bool:
        return self.rule.severity == "error"


Figures = Mapping[str, Decimal | None]

OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "eq": lambda a, b: a == b,
    "le": lambda a, b: a <= b,
    "ge": lambda a, b: a >= b,
}


def _sum(codes: list[str], values: Figures) -> Decimal | None:
    present = [values[c] for c in codes if values.get(c) is not None]
    return sum(present, Decimal(0)) if present else None


def _compare(rule: Rule, actual: Figures, plan: Figures, last_year: Figures):
    """Two sums of indicators compared. Skipped while neither side has a
    value (nothing entered yet); a missing value on a side that has others
    counts as zero."""
    codes, right_codes = parse_codes(rule.left), parse_codes(rule.right)
    left_sum, right_sum = _sum(codes, actual), _sum(right_codes, actual)
    if left_sum is None and right_sum is None:
        return []
    left_sum, right_sum = left_sum or Decimal(0), right_sum or Decimal(0)
    if OPERATORS[rule.operator](left_sum, right_sum):
        return []
    return [
        Finding(
            rule, tuple(codes + right_codes), {"left": left_sum, "right": right_sum}
        )
    ]


def _change(rule: Rule, actual: Figures, plan: Figures, last_year: Figures):
    """Each indicator named (all when none is) that moved from last year by
    more than the threshold's share (0.5 = 50%)."""
    findings = []
    for code in parse_codes(rule.left) or list(actual):
        now, before = actual.get(code), last_year.get(code)
        if now is None or not before:
            continue
        if abs(now - before) / abs(before) > rule.threshold:
            findings.append(Finding(rule, (code,), {"now": now, "before": before}))
    return findings


def _plan_ratio(rule: Rule, actual: Figures, plan: Figures, last_year: Figures):
    """Each indicator named (all when none is) above the threshold in % of
    its plan (300 = three times the plan)."""
    findings = []
    for code in parse_codes(rule.left) or list(actual):
        percent = percent_of_plan(actual.get(code), plan.get(code))
        if percent is not None and percent > rule.threshold:
            findings.append(Finding(rule, (code,), {"percent": percent}))
    return findings


@dataclass(frozen=True)
class RuleKind:
    """A kind of validation rule: the fields it needs and how it checks."""

    required: tuple[str, ...]
    evaluate: Callable[[Rule, Figures, Figures, Figures], list[Finding]]


# What each kind needs, read by ValidationRule.clean(), by its database
# constraints (one per kind) and by evaluate(): a new kind is one line here
# and its function above.
RULE_KINDS: dict[str, RuleKind] = {
    "compare": RuleKind(("left", "operator", "right"), _compare),
    "change": RuleKind(("threshold",), _change),
    "plan_ratio": RuleKind(("threshold",), _plan_ratio),
}

# When a required field counts as given. Indicator codes: at least one
# (``"+"`` names none); a threshold: a share or percent, never negative.
FIELD_GIVEN: dict[str, Callable[[object], bool]] = {
    "left": lambda value: bool(parse_codes(value or "")),
    "right": lambda value: bool(parse_codes(value or "")),
    "operator": lambda value: value in OPERATORS,
    "threshold": lambda value: (
        isinstance(value, Decimal) and value.is_finite() and value >= 0
    ),
}


def rule_missing(rule) -> list[str]:
    """The fields that ``rule`` (a Rule or anything with the same
    attributes) lacks for its kind; ``["kind"]`` for an unknown kind."""
    kind = RULE_KINDS.get(rule.kind)
    if kind is None:
        return ["kind"]
    return [
        name for name in kind.required if not FIELD_GIVEN[name](getattr(rule, name))
    ]


def evaluate(
    rules: Iterable[Rule],
    actual: Figures,
    plan: Figures,
    last_year: Figures,
) -> list[Finding]:
    """Every rule broken by a board's figures. A rule its kind's table
    entry finds incomplete checks nothing (clean() and the database keep
    such rules out; one that slipped in never breaks a board's report)."""
    findings: list[Finding] = []
    for rule in rules:
        if rule_missing(rule):
            continue
        findings += RULE_KINDS[rule.kind].evaluate(rule, actual, plan, last_year)
    return findings


# Plausibility ----------------------------------------------------------------------

# A figure this many times above or below its reference is most likely in
# the wrong unit (tỷ đồng for triệu USD, triệu for tỷ: a thousand times): the board
# checks it before submitting, the secretariat confirms it when approving.
OUTLIER_FACTOR = Decimal(100)
# The bloc's median means something only with a few other boards reporting.
MIN_PEERS = 2


@dataclass(frozen=True)
class Outlier:
    code: str
    value: Decimal
    reference: Decimal
    basis: str  # "history": the board's last year; "peers": the bloc's median


def median(numbers: list[Decimal]) -> Decimal | None:
    ordered = sorted(numbers)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _far(value: Decimal, reference: Decimal, factor: Decimal) -> bool:
    value, reference = abs(value), abs(reference)
    return value >= reference * factor or reference >= value * factor


def outliers(
    actual: Figures,
    last_year: Figures,
    peers: Mapping[str, list[Decimal]],
    factor: Decimal = OUTLIER_FACTOR,
) -> list[Outlier]:
    """A board's figures ``factor`` times or more above or below its own
    last year's, or, without one, the median of the bloc's other boards this
    year (``peers``: their figures by code). Zeros compare with nothing: a
    board may start or stop an activity."""
    found = []
    for code, value in actual.items():
        if not value:
            continue
        before = last_year.get(code)
        if before:
            # The board's own history is the better reference: boards of a
            # bloc differ a hundredfold in size, one board from year to year
            # seldom does.
            if _far(value, before, factor):
                found.append(Outlier(code, value, before, "history"))
            continue
        others = [p for p in peers.get(code, ()) if p]
        middle = median(others) if len(others) >= MIN_PEERS else None
        if middle and _far(value, middle, factor):
            found.append(Outlier(code, value, middle, "peers"))
    return found
