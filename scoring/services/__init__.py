"""Every state change of the scoring app: scales, assessments, scores, votes."""

from scoring.services.assessments import assessment_set
from scoring.services.ballots import ballot_cast, ballots_published
from scoring.services.rounds import (
    eligible_candidates,
    round_close,
    round_count,
    round_create,
    round_open,
    round_paper_tally,
)
from scoring.services.scales import CRITERION_FIELDS, scale_create, scale_freeze
from scoring.services.scores import (
    recompute_after_submission_change,
    score_boards,
    scores_compute,
)

__all__ = [
    "CRITERION_FIELDS",
    "assessment_set",
    "ballot_cast",
    "ballots_published",
    "eligible_candidates",
    "recompute_after_submission_change",
    "round_close",
    "round_count",
    "round_create",
    "round_open",
    "round_paper_tally",
    "scale_create",
    "scale_freeze",
    "score_boards",
    "scores_compute",
]
