"""Random ballots at the voting page: a form error or a success, never a
500, and ballots are stored only on a success."""

from hypothesis import example, given
from hypothesis import strategies as st

from blocs.models import AuditEvent
from scoring import services
from scoring.models import Ballot, BallotCast
from tests import factories
from tests.fuzz.strategies import FUZZ, texts
from tests.fuzz.support import fresh, rolled_back, succeeded


def _stored(voting_round) -> tuple:
    return (
        sorted(Ballot.objects.filter(round=voting_round).values_list("choices")),
        list(BallotCast.objects.filter(round=voting_round).values_list("board_id")),
        AuditEvent.objects.count(),
    )


def test_ballot_answers_random_input_with_an_error_or_a_success(reporting, client_for):
    voting_round = factories.round_open(
        voting_round=services.round_create(
            bloc_year=reporting.own_year,
            kind="merit",
            actor=None,
            quota=2,
            max_choices=2,
        ),
        actor=None,
    )
    officer = reporting.users["board_officer"]
    client = client_for(officer)
    url = f"/rounds/{voting_round.pk}/"
    pks = [b.pk for b in reporting.own_boards + reporting.other_boards]
    choice = st.one_of(
        st.sampled_from(pks).map(str),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        texts,
    )
    fields = st.dictionaries(
        st.sampled_from(["choices", "csrfmiddlewaretoken", "receipt", "x"]),
        st.lists(choice, max_size=6),
        max_size=3,
    )

    outcomes = set()

    @FUZZ
    @given(data=fields)
    @example(data={"choices": [str(pks[0]), str(pks[0])]})
    @example(data={"choices": [str(pks[0]), str(pks[1]), str(pks[3])]})
    @example(data={"choices": [str(officer.board_id)]})
    @example(data={"choices": ["9" * 30]})
    @example(data={"choices": [str(pks[0])]})
    def check(data):
        with rolled_back():
            before = _stored(voting_round)
            response = fresh(client).post(url, data)
            assert response.status_code in (302, 400), response.status_code
            after = _stored(voting_round)
            ok = response.status_code == 302 and succeeded(response)
            outcomes.add(ok)
            if ok:
                assert len(after[1]) == len(before[1]) + 1
            else:
                assert after == before

    check()
    assert outcomes == {True, False}  # both kinds of answer were seen
