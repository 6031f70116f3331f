"""Every state change of the pledges app goes through these functions."""

from pledges.services.catalogue import (
    indicator_delete,
    indicator_save,
    rule_delete,
    rule_save,
)
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
    submission_unusual_figures,
)
from pledges.services.setup import (
    indicators_copy,
    pledge_close,
    pledge_create,
    pledge_open,
    pledge_sign,
    submissions_prepare,
)

__all__ = [
    "Entry",
    "Locks",
    "StaleEditError",
    "evidence_add",
    "evidence_check",
    "indicator_delete",
    "indicator_save",
    "indicators_copy",
    "last_year_values",
    "pledge_close",
    "pledge_create",
    "pledge_open",
    "pledge_sign",
    "rule_delete",
    "rule_save",
    "submission_approve",
    "submission_findings",
    "submission_locks",
    "submission_register",
    "submission_reopen",
    "submission_return",
    "submission_save",
    "submission_submit",
    "submission_unusual_figures",
    "submissions_prepare",
]
