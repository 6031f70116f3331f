"""Pure arithmetic of the year's figures: % of plan, totals, validation rules.

No ORM here: plain Decimals and small dataclasses, tested without a database.
"""

from collections.abc import Iterable, Mapping
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
    kind: str  # "compare" | "change" | "plan_ratio"
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


_COMPARE = {
    "eq": lambda a, b: a == b,
    "le": lambda a, b: a <= b,
    "ge": lambda a, b: a >= b,
}


def _sum(codes: list[str], values: Mapping[str, Decimal | None]) -> Decimal | None:
    present = [values[c] for c in codes if values.get(c) is not None]
    return sum(present, Decimal(0)) if present else None


def evaluate(
    rules: Iterable[Rule],
    actual: Mapping[str, Decimal | None],
    plan: Mapping[str, Decimal | None],
    last_year: Mapping[str, Decimal | None],
) -> list[Finding]:
    """Every rule broken by a board's figures.

    A comparison is skipped while neither side has a value (nothing entered
    yet); a missing value on a side that has others counts as zero.
    """
    findings: list[Finding] = []
    for rule in rules:
        codes = parse_codes(rule.left)
        if rule.kind == "compare":
            right_codes = parse_codes(rule.right)
            left_sum, right_sum = _sum(codes, actual), _sum(right_codes, actual)
            if left_sum is None and right_sum is None:
                continue
            left_sum, right_sum = left_sum or Decimal(0), right_sum or Decimal(0)
            if not _COMPARE[rule.operator](left_sum, right_sum):
                findings.append(
                    Finding(
                        rule,
                        tuple(codes + right_codes),
                        {"left": left_sum, "right": right_sum},
                    )
                )
        elif rule.kind == "change":
            for code in codes or list(actual):
                now, before = actual.get(code), last_year.get(code)
                if now is None or not before:
                    continue
                share = abs(now - before) / abs(before)
                if share > rule.threshold:
                    findings.append(
                        Finding(rule, (code,), {"now": now, "before": before})
                    )
        elif rule.kind == "plan_ratio":
            for code in codes or list(actual):
                percent = percent_of_plan(actual.get(code), plan.get(code))
                if percent is not None and percent > rule.threshold:
                    findings.append(Finding(rule, (code,), {"percent": percent}))
    return findings
