"""Demo of scoring and voting on the illustrative 2026 year (pledges/demo.py):
its scale (the default one) frozen, and a nomination round for the ministry
flag open, so that a demo board officer can vote and keep a receipt."""

from blocs.awards import nomination_title
from blocs.models import BlocYear
from demodata.pledges import YEAR
from scoring import services
from scoring.models import ScoringScale, VotingRound


def load(*, stdout) -> None:
    bloc_year = BlocYear.objects.get(bloc__short_name="TN-DHMT", year=YEAR)
    scale = ScoringScale.objects.filter(bloc_year=bloc_year).first()
    if scale is None:
        scale = services.scale_create(bloc_year=bloc_year, actor=None)
    if scale.status == ScoringScale.Status.DRAFT:
        services.scale_freeze(scale=scale, actor=None)
    if not VotingRound.objects.filter(bloc_year=bloc_year).exists():
        voting_round = services.round_create(
            bloc_year=bloc_year,
            kind=VotingRound.Kind.FLAG,
            actor=None,
            title=nomination_title(VotingRound.Kind.FLAG, YEAR) + " (demo)",
            quota=2,
            max_choices=2,
        )
        services.round_open(voting_round=voting_round, actor=None)
    stdout.write(f"Scoring scale and an open voting round for {bloc_year}.")
