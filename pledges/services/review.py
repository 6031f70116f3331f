"""The secretariat's review: approve, return with a reason, reopen."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import User
from blocs.services import audit_record
from pledges import hooks, notices
from pledges.models import Submission
from pledges.permissions import can_review_submission

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


@transaction.atomic
def submission_approve(*, submission: Submission, actor: User) -> Submission:
    sub = _lock(submission, actor)
    if sub.status != S.SUBMITTED:
        raise ValidationError(
            _("%(board)s: only a submitted report can be approved (it is %(status)s)."),
            params={"board": sub.board.short_name, "status": sub.get_status_display()},
        )
    sub.status = S.APPROVED
    sub.reviewed_at, sub.reviewed_by = timezone.now(), actor
    sub = _save(sub, actor, "submission.approve", {"status": [S.SUBMITTED, S.APPROVED]})
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
