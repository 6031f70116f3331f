"""A synthetic ministry-wide data set for benchmarks: blocs by boards by years
by indicators, each year's whole cycle done (issue 6).

Every row is what the services would have left after a real cycle: member
boards with a head and deputy (elected by the previous year's rounds), a
signed pledge, approved submissions whose figures pass the year's validation
rules (warnings carry a note), a frozen scale with the bloc's assessments and
scores computed by ``scoring.rules`` exactly as ``scoring.services`` computes
them, and closed voting rounds with secret ballots counted and decided by
``scoring.tally``. Years are closed except the last, which is at the vote.

Rows are built by the services' own public builders (``*_build``), the
functions the per-row services build their rows with, and inserted with
``bulk_create`` in batches: the per-row services would take hours at full
size. The arithmetic is the services' too (``board_scores_rank``,
``round_decide``, ``calc.evaluate``); nothing here constructs a model row
itself (tests/test_generators.py checks). Every name is synthetic and says
so ("giả lập"); nothing here comes from a real board.
"""

import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from blocs import services as bloc_services
from blocs.awards import nomination_title
from blocs.models import BlocYear, Membership, Ministry, User
from pledges import calc, catalog
from pledges import services as pledges
from pledges.models import (
    DECIMAL_PLACES,
    Indicator,
    Pledge,
    Submission,
)
from scoring import defaults, rules
from scoring import services as scoring
from scoring.models import (
    Assessment,
    Criterion,
    ScoringScale,
    VotingRound,
)

MINISTRY = "GIA-LAP"
PREFIX = "GL"  # bloc short names GL01…, board short names GL01-01…
MARK = "giả lập"
NOTE = "Dữ liệu giả lập để đo hiệu năng (generate_scale_data), không phải số liệu thật."
BATCH = 2000
EXTRA_GROUP = "E. Chỉ tiêu bổ sung (giả lập)"
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

S = Submission.Status
ROLE = Membership.Role


@dataclass(frozen=True)
class Size:
    blocs: int = 20
    boards: int = 15
    years: int = 10
    indicators: int = 50
    last_year: int = 2025
    seed: int = 2026


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    unit: str
    kind: str
    has_plan: bool
    aggregation: str
    group: str
    order: int
    max_value: Decimal | None


def catalogue(count: int) -> list[IndicatorSpec]:
    """``count`` indicators: the default catalogue first (the ones the default
    scale scores, then the rest in order), then synthetic extras."""
    scored = {c[5] for c in defaults.CRITERIA if c[5]}
    ranked = sorted(
        enumerate(catalog.INDICATORS), key=lambda p: (p[1][0] not in scored, p[0])
    )
    chosen = sorted(ranked[:count], key=lambda p: p[0])
    specs = [
        IndicatorSpec(
            code,
            name,
            unit,
            kind,
            has_plan,
            aggregation,
            group,
            (i + 1) * 10,
            (Decimal(catalog.MAX_VALUES[code]) if code in catalog.MAX_VALUES else None),
        )
        for i, (code, name, unit, kind, has_plan, _higher, aggregation, group) in chosen
    ]
    for n in range(len(specs) + 1, count + 1):
        unit = "billion_vnd" if n % 2 else "million_usd"
        specs.append(
            IndicatorSpec(
                f"extra-{n:02d}",
                f"Chỉ tiêu bổ sung {n:02d} ({MARK})",
                unit,
                "decimal",
                True,
                "sum",
                EXTRA_GROUP,
                1000 + n,
                None,
            )
        )
    return specs


def _rules_for(codes: set[str]) -> list[tuple]:
    """The default rules whose indicators all exist this year."""
    kept = []
    for rule in catalog.RULES:
        _name, _severity, _kind, left, _op, right, _threshold = rule
        if set(calc.parse_codes(left) + calc.parse_codes(right)) <= codes:
            kept.append(rule)
    return kept


# Figures ----------------------------------------------------------------------------

# Per unit: (low, high) of a board's first-year figure, and decimals kept.
MAGNITUDE = {
    "projects": (20, 60, 0),
    "million_usd": (80, 900, 2),
    "billion_vnd": (1500, 40000, 1),
    "persons": (8000, 90000, 0),
    "ha": (300, 3000, 1),
    "percent": (45, 92, 1),
    "count": (6, 16, 0),
    "none": (0, 1, 0),
}
# Figures that follow from others or must stay below them (the error rules).
DERIVED = {
    "new-projects",
    "realised-capital-usd",
    "realised-capital-vnd",
    "employees-foreign",
    "zones-wastewater",
}


STORED = Decimal(1).scaleb(-DECIMAL_PLACES)  # 0.0001: how the database returns them


def _round(value: float, places: int) -> Decimal:
    return Decimal(f"{value:.{places}f}").quantize(STORED)


class Figures:
    """A board's actual and plan per indicator over the years: a base that
    grows a few percent a year, with noise, so that no figure moves more than
    the change warning allows and none is far from its plan."""

    def __init__(self, rng: random.Random, specs: list[IndicatorSpec]):
        self.rng = rng
        self.specs = specs
        self.base = {}
        for s in specs:
            low, high, _places = MAGNITUDE.get(s.unit, (100, 1000, 1))
            self.base[s.code] = rng.uniform(low, high)
        self.growth = rng.uniform(1.02, 1.08)

    def year(self, t: int) -> dict[str, tuple[Decimal | None, Decimal | None, str]]:
        """{code: (plan, actual, text)} for the board's t-th year."""
        rng, out = self.rng, {}
        for s in self.specs:
            if s.code in DERIVED:
                continue
            places = MAGNITUDE.get(s.unit, (100, 1000, 1))[2]
            if s.kind == Indicator.Kind.TEXT:
                out[s.code] = (None, None, f"Đã thực hiện ({MARK}).")
                continue
            if s.kind == Indicator.Kind.BOOLEAN:
                done = _round(1 if rng.random() < 0.9 else 0, 0)
                out[s.code] = (None, done, "")
                continue
            if s.unit in ("count", "percent"):  # zones and occupancy barely move
                actual = self.base[s.code] * rng.uniform(0.98, 1.02)
            else:
                actual = self.base[s.code] * self.growth**t * rng.uniform(0.92, 1.08)
            if s.max_value is not None:
                actual = min(actual, float(s.max_value))
            plan = actual * rng.uniform(0.85, 1.15) if s.has_plan else None
            if s.max_value is not None and plan is not None:
                plan = min(plan, float(s.max_value))
            places = 0 if s.kind == Indicator.Kind.INTEGER else places
            out[s.code] = (
                None if plan is None else _round(plan, places),
                _round(actual, places),
                "",
            )
        codes = {s.code for s in self.specs}
        if "new-projects" in codes:
            zero = (None, _round(0, 0), "")
            fdi = out.get("new-projects-fdi", zero)[1]
            ddi = out.get("new-projects-ddi", zero)[1]
            actual = fdi + ddi
            out["new-projects"] = (
                _round(float(actual) * rng.uniform(0.9, 1.1), 0),
                actual,
                "",
            )
        for code, ceiling, share in (
            ("realised-capital-usd", "valid-capital-usd", 0.35),
            ("realised-capital-vnd", "valid-capital-vnd", 0.35),
            ("employees-foreign", "employees", 0.04),
            ("zones-wastewater", "zones-operating", 0.8),
        ):
            if code not in codes:
                continue
            spec = next(s for s in self.specs if s.code == code)
            top = out.get(ceiling, (None, None, ""))[1]
            if top is None:
                top = _round(self.base[code] * self.growth**t, 0)
            places = 0 if spec.kind == Indicator.Kind.INTEGER else 1
            actual = _round(float(top) * share * rng.uniform(0.97, 1.03), places)
            actual = min(actual, top)
            plan = (
                _round(float(actual) * rng.uniform(0.9, 1.1), places)
                if spec.has_plan
                else None
            )
            out[code] = (plan, actual, "")
        return out


# Generation -------------------------------------------------------------------------


class Generator:
    def __init__(self, size: Size, progress: Callable[[str], None]):
        self.size = size
        self.progress = progress
        # Reproducible, not secret: the same seed gives the same data set.
        self.rng = random.Random(size.seed)  # noqa: S311
        self.specs = catalogue(size.indicators)
        self.rules = _rules_for({s.code for s in self.specs})
        self.calc_rules = [
            calc.Rule(
                id=i,
                message=r[0],
                severity=r[1],
                kind=r[2],
                left=r[3],
                operator=r[4],
                right=r[5],
                threshold=Decimal(r[6]) if r[6] else None,
            )
            for i, r in enumerate(self.rules)
        ]
        self.years = list(range(size.last_year - size.years + 1, size.last_year + 1))
        self.counts: dict[str, int] = defaultdict(int)
        self.receipts: set[str] = set()

    # helpers
    def _bulk(self, objs: list) -> list:
        """Insert rows the services' builders made, in batches."""
        if objs:
            model = type(objs[0])
            model.objects.bulk_create(objs, batch_size=BATCH)
            self.counts[model._meta.label] += len(objs)
        return objs

    def _one(self, obj):
        return self._bulk([obj])[0]

    def _at(self, year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
        return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)

    def _receipt(self) -> str:
        while True:
            code = "".join(self.rng.choice(RECEIPT_ALPHABET) for _ in range(10))
            if code not in self.receipts:
                self.receipts.add(code)
                return code

    def run(self) -> dict[str, int]:
        size = self.size
        if Ministry.objects.filter(short_name=MINISTRY).exists():
            raise ValueError(
                "Scale data is already in this database: use a fresh database."
            )
        started = time.monotonic()
        ministry = bloc_services.ministry_upsert(
            short_name=MINISTRY,
            name=f"Bộ {MARK} (dữ liệu đo hiệu năng)",
            valid_from=dt.date(2000, 1, 1),
        )
        for b in range(1, size.blocs + 1):
            t0 = time.monotonic()
            with transaction.atomic():
                self._bloc(ministry, b)
            self.progress(
                f"bloc {b}/{size.blocs}: {size.boards} boards x {len(self.years)} "
                f"years x {len(self.specs)} indicators "
                f"({time.monotonic() - t0:.1f} s, "
                f"{self.counts['pledges.Value']} values so far)"
            )
        self.counts["seconds"] = round(time.monotonic() - started)
        return dict(self.counts)

    def _bloc(self, ministry: Ministry, b: int) -> None:
        size, rng = self.size, self.rng
        # A few rows per bloc: the per-row services, which validate each one.
        bloc = bloc_services.bloc_upsert(
            short_name=f"{PREFIX}{b:02d}",
            name=f"Khối thi đua {MARK} {b:02d}",
            region=f"Vùng {MARK} {(b - 1) % 6 + 1}",
            ministry=ministry,
            note=NOTE,
        )
        self.counts["blocs.Bloc"] += 1
        boards = [
            bloc_services.board_upsert(
                short_name=f"{PREFIX}{b:02d}-{n:02d}",
                name=f"Ban Quản lý các KCN {MARK} {b:02d}-{n:02d}",
                province=f"Tỉnh {MARK} {b:02d}-{n:02d}",
                manages_kcn=True,
                manages_kkt=n % 3 == 0,
                note=NOTE,
            )
            for n in range(1, size.boards + 1)
        ]
        self.counts["blocs.Board"] += len(boards)
        secretariat = bloc_services.user_build(
            username=f"gl{b:02d}.vanphong",
            full_name=f"Văn phòng Khối {MARK} {b:02d}",
            role=User.Role.SECRETARIAT,
            bloc=bloc,
        )
        officers = [
            bloc_services.user_build(
                username=f"gl{b:02d}-{n:02d}.canbo",
                full_name=f"Cán bộ {board.short_name} ({MARK})",
                role=User.Role.BOARD_OFFICER,
                board=board,
            )
            for n, board in enumerate(boards, start=1)
        ]
        users = self._bulk([secretariat, *officers])
        self._bulk(bloc_services.user_role_group_links_build(users))
        officer_of = {o.board_id: o for o in officers}
        figures = {board.pk: Figures(rng, self.specs) for board in boards}
        head, deputy = boards[0].pk, boards[1].pk
        last_actual: dict[int, dict] = {}
        for t, year in enumerate(self.years):
            head, deputy = self._year(
                bloc,
                boards,
                year,
                t,
                head,
                deputy,
                secretariat,
                officer_of,
                figures,
                last_actual,
            )
        bloc_services.audit_record(
            actor=None,
            action="scale_data.generate",
            obj=bloc,
            changes={"years": self.years, "boards": size.boards},
        )

    def _year(
        self,
        bloc,
        boards,
        year,
        t,
        head,
        deputy,
        secretariat,
        officer_of,
        figures,
        last_actual,
    ):
        last = year == self.years[-1]
        board_by_id = {b.pk: b for b in boards}
        # Created at its first stage, filled, and moved to its stage last, as
        # the demo does: a closed year takes no more changes.
        bloc_year = bloc_services.bloc_year_upsert(
            bloc=bloc,
            year=year,
            host=board_by_id[head],
            conference_date=dt.date(year + 1, 1, 10),
            conference_end_date=dt.date(year + 1, 1, 11),
            conference_place=board_by_id[head].province,
            registration_deadline=dt.date(year, 3, 31),
            reporting_deadline=dt.date(year, 12, 31),
            note=NOTE,
        )
        self.counts["blocs.BlocYear"] += 1
        roles = {head: ROLE.HEAD, deputy: ROLE.DEPUTY}
        self._bulk(
            [
                bloc_services.membership_build(
                    bloc_year=bloc_year,
                    board=b,
                    role=roles.get(b.pk, ROLE.MEMBER),
                    source=MARK,
                )
                for b in boards
            ]
        )
        indicators = self._bulk(
            [
                pledges.indicator_build(
                    bloc_year=bloc_year,
                    code=s.code,
                    name=s.name,
                    unit=s.unit,
                    kind=s.kind,
                    has_plan=s.has_plan,
                    aggregation=s.aggregation,
                    group=s.group,
                    order=s.order,
                    max_value=s.max_value,
                )
                for s in self.specs
            ]
        )
        self._bulk(
            [
                pledges.rule_build(
                    bloc_year=bloc_year,
                    name=name,
                    severity=severity,
                    kind=kind,
                    left=left,
                    operator=operator,
                    right=right,
                    threshold=threshold,
                )
                for name, severity, kind, left, operator, right, threshold in self.rules
            ]
        )
        pledge = self._one(
            pledges.pledge_build(
                bloc_year=bloc_year,
                title=f"Giao ước thi đua năm {year} ({MARK})",
                signing_date=dt.date(year, 2, 15),
                signing_place=board_by_id[head].province,
                status=Pledge.Status.CLOSED,
            )
        )
        self._bulk(pledges.commitments_build(pledge=pledge))
        self._bulk(
            [
                pledges.signature_build(
                    pledge=pledge,
                    board_id=b.pk,
                    signed_by=officer_of[b.pk],
                    signed_at=self._at(year, 2, 15, 9 + n % 8),
                )
                for n, b in enumerate(boards)
            ]
        )
        # Registration: a few aim for the flag, more for the merit.
        awards = {}
        for n, b in enumerate(self.rng.sample(boards, len(boards))):
            awards[b.pk] = (
                Submission.Award.FLAG
                if n < 3
                else Submission.Award.MERIT
                if n < 8
                else Submission.Award.NONE
            )
        submissions = self._bulk(
            [
                pledges.submission_build(
                    bloc_year=bloc_year,
                    board_id=b.pk,
                    award_target=awards[b.pk],
                    registered_at=self._at(year, 3, 1),
                    registered_by=officer_of[b.pk],
                    status=S.APPROVED,
                    submitted_at=self._at(year + 1, 1, 5),
                    submitted_by=officer_of[b.pk],
                    reviewed_at=self._at(year + 1, 1, 8),
                    reviewed_by=secretariat,
                    version=4,
                )
                for b in boards
            ]
        )
        actual: dict[int, dict] = {}
        plan: dict[int, dict] = {}
        values = []
        for sub in submissions:
            figs = figures[sub.board_id].year(t)
            numeric = {
                s.code: figs[s.code][1]
                for s in self.specs
                if s.kind != Indicator.Kind.TEXT
            }
            planned = {s.code: figs[s.code][0] for s in self.specs if s.has_plan}
            findings = calc.evaluate(
                self.calc_rules, numeric, planned, last_actual.get(sub.board_id, {})
            )
            errors = [f for f in findings if f.is_error]
            if errors:  # a bug here, never data the services would accept
                raise AssertionError(f"{sub.board_id} {year}: {errors[0].rule}")
            explained = {code for f in findings for code in f.codes}
            for ind in indicators:
                p, a, text = figs[ind.code]
                values.append(
                    pledges.value_build(
                        submission_id=sub.pk,
                        indicator_id=ind.pk,
                        plan=p,
                        actual=a,
                        text=text,
                        note=(
                            f"Giải trình biến động ({MARK})."
                            if ind.code in explained
                            else ""
                        ),
                    )
                )
            actual[sub.board_id], plan[sub.board_id] = numeric, planned
            last_actual[sub.board_id] = {c: v for c, v in numeric.items()}
        self._bulk(values)
        scores = self._scores(bloc_year, boards, secretariat, actual, plan)
        elected = self._rounds(
            bloc_year, boards, officer_of, scores, awards, head, deputy, last
        )
        bloc_services.bloc_year_upsert(
            bloc=bloc,
            year=year,
            status=BlocYear.Status.VOTING if last else BlocYear.Status.CLOSED,
        )
        return elected

    def _scores(self, bloc_year, boards, secretariat, actual, plan):
        scale = self._one(
            scoring.scale_build(
                bloc_year=bloc_year,
                title=f"Thang điểm năm {bloc_year.year} ({MARK})",
                status=ScoringScale.Status.FROZEN,
            )
        )
        # One by one but only ~16 rows a year: parents need their ids.
        made = scoring.criteria_create_default(scale)
        self.counts["scoring.Criterion"] += len(made)
        # Read back, as the services do: decimals come out with their places.
        criteria = list(scale.criteria.order_by("order", "code"))
        specs = scoring.criterion_specs(scale)
        assessments, assessed = [], defaultdict(dict)
        computed = {Criterion.Kind.GROUP, Criterion.Kind.PLAN}
        for c in criteria:
            if c.kind in computed or (c.kind == "yes_no" and c.indicator_code):
                continue
            for b in boards:
                top = int(c.max_points)
                if c.kind == Criterion.Kind.ASSESSED:  # 60% to 100% of the points
                    points = Decimal(self.rng.randint(top * 60, top * 100)) / 100
                elif self.rng.random() < 0.2:  # bonus or penalty for a few
                    points = Decimal(self.rng.randint(1, top))
                else:
                    continue
                points = points.quantize(rules.CENT)
                comment = f"Khối chấm ({MARK})."
                assessments.append(
                    scoring.assessment_build(
                        criterion=c,
                        board_id=b.pk,
                        source=Assessment.Source.BLOC,
                        points=points,
                        comment=comment,
                        by=secretariat,
                    )
                )
                assessed[b.pk][c.code] = (points, Assessment.Source.BLOC, comment)
        self._bulk(assessments)
        ranked = scoring.board_scores_rank(
            specs=specs,
            boards=[(b.pk, b.short_name) for b in boards],
            actual=actual,
            plan=plan,
            assessed=assessed,
        )
        computed_at = self._at(bloc_year.year + 1, 1, 9)
        stored = self._bulk(
            [
                scoring.score_build(
                    bloc_year=bloc_year, computed=s, computed_at=computed_at
                )
                for s in ranked
            ]
        )
        return {s.board_id: s for s in stored}

    def _rounds(
        self, bloc_year, boards, officer_of, scores, awards, head, deputy, last
    ):
        """Flag and merit nominations, then (but in the last year) the
        elections of next year's head and deputy; returns next year's."""
        ranked = sorted(boards, key=lambda b: (scores[b.pk].rank, b.short_name))
        flag = [b.pk for b in ranked if awards[b.pk] == Submission.Award.FLAG]
        merit = [b.pk for b in ranked if awards[b.pk] != Submission.Award.NONE]
        # Next year's leaders: the deputy moves up, the best other board deputises.
        next_head = deputy
        next_deputy = next(b.pk for b in ranked if b.pk not in (deputy, head))
        others = [b.pk for b in ranked if b.pk not in (next_head, next_deputy)]
        K = VotingRound.Kind
        plans = [
            (K.FLAG, nomination_title(K.FLAG, bloc_year.year), flag, 2, None),
            (K.MERIT, nomination_title(K.MERIT, bloc_year.year), merit, 3, None),
        ]
        if not last:
            plans += [
                (K.HEAD, "Bầu Khối trưởng", [next_head, *others[:2]], 1, next_head),
                (K.DEPUTY, "Bầu Khối phó", [next_deputy, *others[2:4]], 1, next_deputy),
            ]
        year = bloc_year.year
        elected = {}
        for kind, title, candidate_ids, quota, favourite in plans:
            if not candidate_ids:
                continue
            elected[kind] = self._round(
                bloc_year,
                boards,
                officer_of,
                scores,
                kind=kind,
                title=f"{title} năm {year} ({MARK})",
                candidate_ids=candidate_ids,
                quota=quota,
                max_choices=quota,
                favourite=favourite,
            )
        if last:
            return head, deputy
        heads = elected[VotingRound.Kind.HEAD]
        deputies = elected[VotingRound.Kind.DEPUTY]
        if heads != [next_head] or deputies != [next_deputy]:  # a bug here
            raise AssertionError(f"{bloc_year}: elected {heads}, {deputies}")
        return next_head, next_deputy

    def _round(
        self,
        bloc_year,
        boards,
        officer_of,
        scores,
        *,
        kind,
        title,
        candidate_ids,
        quota,
        max_choices,
        favourite,
    ):
        rng, year = self.rng, bloc_year.year
        # Ballots: seven voters in ten back the best-ranked candidates (the
        # favourite in an election), the others choose at random, so that
        # the count always decides.
        top = candidate_ids[:quota] if favourite is None else [favourite]
        voters = rng.sample(boards, len(boards))
        backers = -(-len(voters) * 7 // 10)
        votes = dict.fromkeys(candidate_ids, 0)
        chosen = []
        for n, _board in enumerate(voters):
            if n < backers:
                choices = top[:max_choices]
            else:
                k = rng.randint(1, min(max_choices, len(candidate_ids)))
                choices = rng.sample(candidate_ids, k)
            choices = sorted(set(choices))
            for c in choices:
                votes[c] += 1
            chosen.append(choices)
        voting_round = scoring.round_build(
            bloc_year=bloc_year,
            kind=kind,
            title=title,
            status=VotingRound.Status.CLOSED,
            max_choices=max_choices,
            quota=quota,
            opened_at=self._at(year + 1, 1, 10, 9),
            closed_at=self._at(year + 1, 1, 10, 11),
        )
        candidates = scoring.candidates_build(
            voting_round=voting_round, board_ids=candidate_ids
        )
        # Decided as round_close decides: the round's outcome and each
        # candidate's votes, share, score and election.
        decision = scoring.round_decide(
            voting_round=voting_round,
            candidates=candidates,
            votes=votes,
            cast=len(voters),
            valid=len(voters),
            base=len(boards),
            scores=scores,
        )
        self._one(voting_round)
        for candidate in candidates:  # built before the round had its id
            candidate.round = voting_round
        start = self._at(year + 1, 1, 10, 10)
        self._bulk(
            [
                scoring.ballot_cast_build(
                    voting_round=voting_round,
                    board_id=b.pk,
                    cast_by=officer_of[b.pk],
                    cast_at=start + dt.timedelta(seconds=n * 7),
                )
                for n, b in enumerate(boards)
            ]
        )
        ballots = [
            scoring.ballot_build(
                voting_round=voting_round, receipt=self._receipt(), choices=choices
            )
            for choices in chosen
        ]
        rng.shuffle(ballots)  # stored in random order, as round_close leaves them
        self._bulk(ballots)
        self._bulk(candidates)
        return decision.winners


def generate(
    size: Size | None = None, *, progress: Callable[[str], None] = lambda _line: None
) -> dict[str, int]:
    """Write the data set; returns the rows written per model and the seconds."""
    size = size or Size()
    if size.boards < 3 or size.blocs < 1 or size.years < 1 or size.indicators < 1:
        raise ValueError(
            "Scale data needs at least 1 bloc, 3 boards, 1 year, 1 indicator."
        )
    return Generator(size, progress).run()
