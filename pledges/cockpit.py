"""What the pledges app adds to the year cockpit (blocs/hooks.py): the
catalogue, the pledge and its signatures, registrations, reports and their
review; what each stage still misses; the set-up steps the button can take.
Every function runs a fixed number of queries whatever the number of boards."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from blocs.hooks import CockpitItem, NextAction
from blocs.models import BlocYear, Membership
from pledges import services
from pledges.models import Indicator, Pledge, Submission

S = BlocYear.Status


@dataclass
class Counts:
    members: int
    indicators: int
    pledge: Pledge | None
    signed: int
    reports: int
    registered: int
    submitted: int
    returned: int
    approved: int


def counts(bloc_year: BlocYear) -> Counts:
    """Four queries: members, indicators, the pledge with its signatures, the
    reports by state."""
    members = Membership.objects.filter(bloc_year=bloc_year).count()
    indicators = Indicator.objects.filter(bloc_year=bloc_year).count()
    pledge = (
        Pledge.objects.filter(bloc_year=bloc_year)
        .annotate(signed=Count("signatures"))
        .first()
    )
    subs = Submission.objects.filter(bloc_year=bloc_year).aggregate(
        reports=Count("pk"),
        registered=Count("pk", filter=Q(registered_at__isnull=False)),
        submitted=Count(
            "pk",
            filter=Q(
                status__in=[Submission.Status.SUBMITTED, Submission.Status.APPROVED]
            ),
        ),
        returned=Count("pk", filter=Q(status=Submission.Status.RETURNED)),
        approved=Count("pk", filter=Q(status=Submission.Status.APPROVED)),
    )
    return Counts(
        members=members,
        indicators=indicators,
        pledge=pledge,
        signed=pledge.signed if pledge else 0,
        **subs,
    )


def _filtered(name: str, bloc_year: BlocYear) -> str:
    return f"{reverse(name)}?bloc_year__id__exact={bloc_year.pk}"


def items(bloc_year: BlocYear) -> list[CockpitItem]:
    c = counts(bloc_year)
    n = c.members
    completeness = reverse(
        "admin:pledges_reportingyear_completeness", args=[bloc_year.pk]
    )
    submissions = _filtered("admin:pledges_submission_changelist", bloc_year)
    pledge_url = (
        reverse("admin:pledges_pledge_change", args=[c.pledge.pk])
        if c.pledge
        else reverse("admin:pledges_reportingyear_changelist")
    )
    return [
        CockpitItem(
            S.SETUP,
            _("Indicator catalogue"),
            c.indicators,
            None,
            c.indicators > 0,
            _filtered("admin:pledges_indicator_changelist", bloc_year),
        ),
        CockpitItem(
            S.SETUP, _("Reports opened"), c.reports, n, c.reports >= n > 0, submissions
        ),
        CockpitItem(
            S.SETUP,
            _("Pledge drafted"),
            ok=c.pledge is not None,
            url=pledge_url,
            detail=c.pledge.get_status_display() if c.pledge else _("not yet"),
        ),
        CockpitItem(
            S.PLEDGE, _("Pledge signed"), c.signed, n, c.signed >= n > 0, completeness
        ),
        CockpitItem(
            S.PLEDGE,
            _("Targets registered"),
            c.registered,
            n,
            c.registered >= n > 0,
            completeness,
        ),
        CockpitItem(
            S.REPORTING,
            _("Reports submitted"),
            c.submitted,
            n,
            c.submitted >= n > 0,
            submissions,
        ),
        CockpitItem(
            S.REVIEW,
            _("Reports returned for correction"),
            c.returned,
            None,
            c.returned == 0,
            f"{submissions}&status__exact=returned",
        ),
        CockpitItem(
            S.REVIEW,
            _("Reports approved"),
            c.approved,
            n,
            c.approved >= n > 0,
            submissions,
        ),
    ]


def missing(bloc_year: BlocYear, stage: str) -> list[str]:
    c = counts(bloc_year)
    n = c.members
    out = []
    if stage == S.SETUP:
        if not c.indicators:
            out.append(_("The year has no indicator catalogue."))
        if c.reports < n:
            out.append(
                _("Reports are opened for %(done)s of %(total)s member boards.")
                % {"done": c.reports, "total": n}
            )
        if c.pledge is None:
            out.append(_("The pledge is not drafted."))
    elif stage == S.PLEDGE:
        if c.signed < n:
            out.append(
                _("%(done)s of %(total)s boards have signed the pledge.")
                % {"done": c.signed, "total": n}
            )
        if c.registered < n:
            out.append(
                _("%(done)s of %(total)s boards have registered their targets.")
                % {"done": c.registered, "total": n}
            )
    elif stage == S.REPORTING and c.submitted < n:
        out.append(
            _("%(done)s of %(total)s boards have submitted their report.")
            % {"done": c.submitted, "total": n}
        )
    elif stage == S.REVIEW and c.approved < n:
        out.append(
            _("%(done)s of %(total)s reports are approved.")
            % {"done": c.approved, "total": n}
        )
    return out


def next_actions(bloc_year: BlocYear) -> list[NextAction]:
    """The set-up steps, in the order the year needs them."""
    if bloc_year.status not in (S.SETUP, S.PLEDGE):
        return []
    c = counts(bloc_year)
    actions = []
    if bloc_year.status == S.SETUP:
        if not c.indicators:
            actions.append(
                NextAction(
                    "indicators_copy",
                    _("Copy the indicator catalogue from the bloc's previous year"),
                    lambda year, actor: services.indicators_copy(
                        bloc_year=year, actor=actor
                    ),
                    _(
                        "Without a previous year, the default catalogue is used. "
                        "Every member board's report opens with it."
                    ),
                )
            )
        if c.members and c.reports < c.members:
            actions.append(
                NextAction(
                    "submissions_prepare",
                    _("Open a report for every member board"),
                    lambda year, actor: services.submissions_prepare(
                        bloc_year=year, actor=actor
                    ),
                    _("Boards can then register their targets and import figures."),
                )
            )
        if c.pledge is None:
            actions.append(
                NextAction(
                    "pledge_create",
                    _("Draft the pledge with the default commitments"),
                    lambda year, actor: services.pledge_create(
                        bloc_year=year, actor=actor
                    ),
                )
            )
    elif c.pledge is not None and c.pledge.status == Pledge.Status.DRAFT:
        actions.append(
            NextAction(
                "pledge_open",
                _("Open the pledge for signing by the member boards"),
                lambda year, actor: services.pledge_open(
                    pledge=Pledge.objects.get(bloc_year=year), actor=actor
                ),
                _("Each member board's officers are notified and can sign it."),
            )
        )
    return actions


def close_signing(bloc_year: BlocYear, old: str, new: str, actor) -> None:
    """Closing the year closes the pledge's signing: no board signs a closed
    year's pledge."""
    if new != S.CLOSED:
        return
    pledge = Pledge.objects.filter(
        bloc_year=bloc_year, status=Pledge.Status.OPEN
    ).first()
    if pledge is not None:
        services.pledge_close(pledge=pledge, actor=actor)
