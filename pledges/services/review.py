"""The secretariat's review: approve, return with a reason, reopen."""

import datetime as dt
from collections.abc import Collection

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import User
from blocs.services import audit_record
from pledges import hooks, notices
from pledges.models import Submission
from pledges.permissions import can_review_submission
from pledges.services.plausibility import outlier_message, submission_outliers
from pledges.services.reporting import last_year_values

S = Submission.Status


def _lock(submission: Submission, actor: User) -> Submission:
    sub = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("bloc_year", "board")
        .get(pk=submission.pk)
    )
    if not can_review_submission(actor, sub):
        raise PermissionDenied
    return sub


def _save(sub: Submission, actor: User, action: str, changes: dict) -> Submission:
    sub.version += 1
    sub.full_clean()
    sub.save()
    audit_record(actor=actor, action=action, obj=sub, changes=changes)
    return sub


def submission_unusual_figures(submission: Submission) -> list[tuple[str, str]]:
    """(indicator code, what to check) for each figure of the submission that
    is far from the board's history or the bloc's median: the secretariat
    confirms each when approving."""
    found = submission_outliers(submission, last_year_values(submission))
    names = dict(submission.values.values_list("indicator__code", "indicator__name"))
    return [(o.code, outlier_message(o, names.get(o.code, o.code))) for o in found]


@transaction.atomic
def submission_approve(
    *, submission: Submission, actor: User, confirmed: Collection[str] = ()
) -> Submission:
    """Approve a submitted report. Each unusual figure (see
    ``submission_unusual_figures``) must be among the ``confirmed`` indicator
    codes; it is then marked, and bloc totals that include it say so."""
    sub = _lock(submission, actor)
    if sub.status != S.SUBMITTED:
        raise ValidationError(
            _("%(board)s: only a submitted report can be approved (it is %(status)s)."),
            params={"board": sub.board.short_name, "status": sub.get_status_display()},
        )
    unusual = submission_unusual_figures(sub)
    unconfirmed = [text for code, text in unusual if code not in confirmed]
    if unconfirmed:
        raise ValidationError(
            [
                _("%(board)s: confirm each unusual figure to approve.")
                % {"board": sub.board.short_name},
                *unconfirmed,
            ]
        )
    codes = [code for code, _text in unusual]
    sub.values.exclude(indicator__code__in=codes).filter(outlier_confirmed=True).update(
        outlier_confirmed=False
    )
    sub.values.filter(indicator__code__in=codes).update(outlier_confirmed=True)
    sub.status = S.APPROVED
    sub.reviewed_at, sub.reviewed_by = timezone.now(), actor
    changes = {"status": [S.SUBMITTED, S.APPROVED]}
    if codes:
        changes["confirmed_unusual"] = codes
    sub = _save(sub, actor, "submission.approve", changes)
    hooks.figures_changed(sub)
    notices.submission_reviewed(sub, notices.REPORT_APPROVED)
    return sub


@transaction.atomic
def submission_return(
    *,
    submission: Submission,
    actor: User,
    reason: str,
    indicator_ids: list[int] | tuple = (),
) -> Submission:
    """Send a submitted report back with a reason; the named indicators are
    flagged in the board's form."""
    sub = _lock(submission, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("A return needs a reason."))
    if sub.status != S.SUBMITTED:
        raise ValidationError(
            _("%(board)s: only a submitted report can be returned (it is %(status)s)."),
            params={"board": sub.board.short_name, "status": sub.get_status_display()},
        )
    flagged, flagged_names = [], []
    for code, name in sub.values.filter(indicator_id__in=indicator_ids).values_list(
        "indicator__code", "indicator__name"
    ):
        flagged.append(code)
        flagged_names.append(name)
    sub.values.update(flagged=False)
    sub.values.filter(indicator_id__in=indicator_ids).update(flagged=True)
    sub.status, sub.return_reason = S.RETURNED, reason
    sub.reviewed_at, sub.reviewed_by = timezone.now(), actor
    sub = _save(
        sub,
        actor,
        "submission.return",
        {"status": [S.SUBMITTED, S.RETURNED], "reason": reason, "flagged": flagged},
    )
    notices.submission_reviewed(
        sub,
        notices.REPORT_RETURNED,
        reason=reason,
        flagged="; ".join(flagged_names) or "—",
    )
    return sub


@transaction.atomic
def submission_reopen(
    *, submission: Submission, actor: User, until: dt.date, reason: str
) -> Submission:
    """Let one board change and submit its report until a date, after the
    deadline or after approval (which it then loses)."""
    sub = _lock(submission, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Reopening needs a reason."))
    if until < timezone.localdate():
        raise ValidationError(_("Choose a date from today on."))
    old_status = sub.status
    if sub.status in (S.APPROVED, S.SUBMITTED):
        sub.status, sub.return_reason = S.RETURNED, reason
    sub.reopened_until = until
    sub = _save(
        sub,
        actor,
        "submission.reopen",
        {
            "status": [old_status, sub.status],
            "reopened_until": until.isoformat(),
            "reason": reason,
        },
    )
    if old_status == S.APPROVED:
        hooks.figures_changed(sub)
    notices.submission_reviewed(
        sub, notices.REPORT_REOPENED, until=until.isoformat(), reason=reason
    )
    return sub
