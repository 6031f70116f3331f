"""Every state change of the scoring app: scales, assessments, scores, votes."""

from scoring.services.assessments import assessment_build, assessment_set
from scoring.services.ballots import (
    ballot_build,
    ballot_cast,
    ballot_cast_build,
    ballots_published,
)
from scoring.services.rounds import (
    candidates_build,
    eligible_candidates,
    registered_candidates,
    round_ballot_counts,
    round_build,
    round_close,
    round_count,
    round_create,
    round_decide,
    round_open,
    round_paper_tally,
)
from scoring.services.scales import (
    CRITERION_FIELDS,
    criteria_create_default,
    scale_build,
    scale_create,
    scale_freeze,
)
from scoring.services.scores import (
    board_scores_rank,
    criterion_specs,
    recompute_after_submission_change,
    score_boards,
    score_build,
    scores_compute,
)

__all__ = [
    "CRITERION_FIELDS",
    "assessment_build",
    "assessment_set",
    "ballot_build",
    "ballot_cast",
    "ballot_cast_build",
    "ballots_published",
    "board_scores_rank",
    "candidates_build",
    "criteria_create_default",
    "criterion_specs",
    "eligible_candidates",
    "recompute_after_submission_change",
    "registered_candidates",
    "round_ballot_counts",
    "round_build",
    "round_close",
    "round_count",
    "round_create",
    "round_decide",
    "round_open",
    "round_paper_tally",
    "scale_build",
    "scale_create",
    "scale_freeze",
    "score_boards",
    "score_build",
    "scores_compute",
]
