"""Board-facing and reader pages of scoring: a score's explanation, a year's
ranking, the self-assessment and the voting page."""

from scoring.views.assessment import self_assessment
from scoring.views.scores import ranking, score_detail
from scoring.views.voting import round_detail

__all__ = ["ranking", "round_detail", "score_detail", "self_assessment"]
