"""Every state change of the pledges app goes through these functions."""

from pledges.services.evidence import evidence_add, evidence_check
from pledges.services.reporting import (
    Entry,
    Locks,
    StaleEditError,
    last_year_values,
    submission_findings,
    submission_locks,
    submission_register,
    submission_save,
    submission_submit,
)
from pledges.services.review import (
    submission_approve,
    submission_reopen,
    submission_return,
)
from pledges.services.setup import (
    commitments_build,
    indicator_build,
    indicators_copy,
    pledge_build,
    pledge_close,
    pledge_create,
    pledge_open,
    pledge_sign,
    rule_build,
    signature_build,
    submission_build,
    submissions_prepare,
    value_build,
)

__all__ = [
    "Entry",
    "Locks",
    "StaleEditError",
    "commitments_build",
    "evidence_add",
    "evidence_check",
    "indicator_build",
    "indicators_copy",
    "last_year_values",
    "pledge_build",
    "pledge_close",
    "pledge_create",
    "pledge_open",
    "pledge_sign",
    "rule_build",
    "signature_build",
    "submission_approve",
    "submission_build",
    "submission_findings",
    "submission_locks",
    "submission_register",
    "submission_reopen",
    "submission_return",
    "submission_save",
    "submission_submit",
    "submissions_prepare",
    "value_build",
]
