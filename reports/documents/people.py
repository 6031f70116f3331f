"""Who signs each document, as on the document's date, and what a document
still lacks before it can be published.

A signature block (Decree 30/2020/NĐ-CP, Appendix I, item 7) prints the
authority line (TM. for a collective, KT. for a deputy signing for the head),
the signer's title, space for the signature and the signer's name in bold.
A signer the records do not name prints an empty name line; a draft marks it
as missing and publishing is refused until someone is recorded.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from blocs.models import Board, Official
from blocs.selectors import board_heads_on


@dataclass(frozen=True)
class SignatureBlock:
    authority: str  # “TM. KHỐI THI ĐUA”, or the board's name for the pledge
    title: str  # “KHỐI TRƯỞNG”
    name: str  # empty: not recorded
    board: str  # the board the signer heads, for the list of what is missing

    @property
    def missing(self) -> bool:
        return not self.name


def heads(boards: list[Board], day: dt.date | None) -> dict[int, Official]:
    if day is None:
        return {}
    return board_heads_on(board_ids=[b.pk for b in boards], day=day)


def leader_block(
    *, board: Board | None, heads_by_board: dict, authority: str, title: str
) -> SignatureBlock:
    official = heads_by_board.get(board.pk) if board is not None else None
    return SignatureBlock(
        authority=authority,
        title=title,
        name=official.full_name if official else "",
        board=board.name if board is not None else "",
    )


def member_block(board: Board, heads_by_board: dict) -> SignatureBlock:
    """A member board's head signing the pledge for the board."""
    official = heads_by_board.get(board.pk)
    return SignatureBlock(
        authority=board.name.upper(),
        title=(official.title if official else "Trưởng ban").upper(),
        name=official.full_name if official else "",
        board=board.name,
    )


def person_line(official: Official | None, board: Board | None, role: str) -> str:
    """“Ông/Bà” is not recorded: the name, the title, the board, the role."""
    if official is None:
        return ""
    where = f" {board.name}" if board is not None else ""
    return f"{official.full_name}, {official.title}{where}, {role}"


def missing_signers(blocks: list[SignatureBlock]) -> list[str]:
    missing = []
    for block in blocks:
        if not block.missing:
            continue
        title = (block.title or block.authority).capitalize()
        if block.board:
            missing.append(
                _("Name of the signer: %(title)s (%(board)s)")
                % {"title": title, "board": block.board}
            )
        else:
            missing.append(_("Name of the signer: %(title)s") % {"title": title})
    return missing


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def missing_sections(sections, names: list[str]) -> list[str]:
    """The required sections still empty, by their labels."""
    return [
        str(sections._meta.get_field(name).verbose_name).capitalize()
        for name in names
        if getattr(sections, name) in (None, "")
    ]
