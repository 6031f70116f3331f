"""The minutes of the vote (biên bản): each closed round, its ballots and
candidates, the awards and next year's leaders."""

from blocs.models import BlocYear
from blocs.templatetags.vn import num
from reports.documents.formatting import percent, short_date
from reports.documents.people import (
    SignatureBlock,
    heads,
    leader_block,
    missing_sections,
    missing_signers,
    paragraphs,
)
from reports.documents.reads import (
    _awards,
    _header,
    _members,
    _next_leaders,
    _rounds,
)
from scoring.services import round_ballot_counts, round_count

# What the secretary records at the meeting; guests are optional.
MINUTES_SECTIONS = [
    "start_time",
    "end_time",
    "participants",
    "counting_team",
    "discussion",
]


def _time(value) -> str:
    """“08 giờ 00” (Vietnamese minutes write hours so)."""
    return f"{value.hour:02d} giờ {value.minute:02d}" if value else ""


def build_minutes(bloc_year: BlocYear, *, issue_day=None) -> dict:
    ctx = _header("minutes", bloc_year, issue_day=issue_day)
    members = _members(bloc_year)
    rounds = []
    present = 0
    for n, voting_round in enumerate(_rounds(bloc_year), start=1):
        votes, cast, _valid = round_count(voting_round)
        present = max(present, voting_round.present or 0, cast)
        candidates = sorted(
            voting_round.candidates.all(),
            key=lambda c: (-votes.get(c.board_id, 0), c.board.name),
        )
        rounds.append(
            {
                "n": n,
                "title": voting_round.title,
                "kind": voting_round.kind,
                "on_paper": voting_round.on_paper,
                "quota": voting_round.quota,
                "ballots": round_ballot_counts(voting_round, members=len(members)),
                "candidates": [
                    {
                        "board": c.board.short_name,
                        "votes": num(votes.get(c.board_id, 0)),
                        "share": percent(c.share),
                        "elected": c.elected,
                    }
                    for c in candidates
                ],
                "chosen": [c.board.name for c in candidates if c.elected],
            }
        )
    next_head, next_deputy = _next_leaders(bloc_year)
    sections = ctx["sections"]
    leaders = [b for b in (ctx["head_board"], ctx["deputy_board"]) if b is not None]
    by_board = heads(leaders, ctx["day"])
    # The head and the deputy co-chair the conference (seed 004); a year
    # without a deputy has one chair.
    chairs = [
        leader_block(
            board=board,
            heads_by_board=by_board,
            authority="ĐỒNG CHỦ TRÌ" if len(leaders) > 1 else "CHỦ TRÌ",
            title=title.upper(),
        )
        for board, title in zip(
            leaders, [ctx["head_title"], ctx["deputy_title"]], strict=False
        )
    ]
    secretary = SignatureBlock(
        authority="THƯ KÝ", title="", name=sections.secretary, board=""
    )
    signatures = [secretary, *chairs]
    ctx["missing"] = missing_signers(signatures) + missing_sections(
        sections, MINUTES_SECTIONS
    )
    return ctx | {
        "signatures": signatures,
        "chairs": [
            {
                "name": block.name,
                "board": block.board,
                "title": (by_board[b.pk].title if b.pk in by_board else ""),
                "role": role,
            }
            for block, b, role in zip(
                chairs,
                leaders,
                [ctx["head_title"], ctx["deputy_title"]],
                strict=False,
            )
        ],
        "start_time": _time(sections.start_time),
        "end_time": _time(sections.end_time),
        "participants": paragraphs(sections.participants),
        "guests": paragraphs(sections.guests),
        "counting_team": paragraphs(sections.counting_team),
        "discussion": paragraphs(sections.discussion),
        "proposal": paragraphs(sections.proposal),
        "secretary": sections.secretary,
        "title": (
            f"Bình xét thi đua năm {bloc_year.year} và bầu "
            f"{ctx['head_title']}, {ctx['deputy_title']} năm {bloc_year.year + 1}"
        ),
        "conference_date": short_date(bloc_year.conference_date),
        "conference_place": bloc_year.conference_place,
        "members_count": len(members),
        "present": present,
        "rounds": rounds,
        "awards": _awards(bloc_year, ctx["ministry"]),
        "elections": bool(_rounds(bloc_year, ["head", "deputy"])),
        "next_year": str(bloc_year.year + 1),
        "next_head": next_head,
        "next_deputy": next_deputy,
    }
