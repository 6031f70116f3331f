"""Backup and restore of one bloc-year: a full year built through the
services goes out to a file, is deleted (or the whole database emptied), comes
back, and dumps to the same document, byte for byte."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from blocs.models import AuditEvent, BlocYear, User
from pledges import services as pledges
from pledges.models import Evidence, Indicator, Submission, Value
from reports import backup
from reports import services as reports
from reports.models import Publication
from scoring.models import Ballot, Score, VotingRound
from tests import factories
from tests.reports.test_documents import build_seed_004

BLOC, YEAR = "TN-DHMT-D", 2023


def _full_year():
    """Seed 004's year (approved reports, scores, signed pledge, four closed
    rounds) with evidence, a returned and reopened report and a publication."""
    year = build_seed_004()
    board = year.memberships.first().board
    officer = factories.user(role="board_officer", board=board)
    secretariat = User.objects.get(role="secretariat", bloc=year.bloc)
    sub = Submission.objects.get(bloc_year=year, board=board)
    sub = pledges.submission_reopen(
        submission=sub, actor=secretariat, until=_far(), reason="Bổ sung minh chứng"
    )
    pledges.evidence_add(
        submission=sub,
        actor=officer,
        expected_version=sub.version,
        upload=SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4 test"),
    )
    reports.document_publish(bloc_year=year, kind="pledge", actor=secretariat)
    return BlocYear.objects.get(pk=year.pk)


def _far() -> dt.date:
    return dt.date(2099, 12, 31)


def _dump() -> str:
    return backup.year_dumps(backup.year_dump(bloc=BLOC, year=YEAR))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def saved(db, media, tmp_path):
    year = _full_year()
    path = tmp_path / "backup.json"
    call_command("backup_year", bloc=BLOC, year=YEAR, out=str(path))
    return year, path, _dump()


def test_the_backup_holds_every_part_of_the_year(saved):
    year, path, _before = saved
    document = json.loads(path.read_text(encoding="utf-8"))
    models = {row["model"] for row in document["objects"]}
    assert {
        "blocs.blocyear",
        "blocs.membership",
        "pledges.indicator",
        "pledges.pledge",
        "pledges.commitment",
        "pledges.signature",
        "pledges.submission",
        "pledges.value",
        "pledges.evidence",
        "scoring.scoringscale",
        "scoring.criterion",
        "scoring.score",
        "scoring.votinground",
        "scoring.candidate",
        "scoring.ballotcast",
        "scoring.ballot",
        "reports.publication",
        "blocs.auditevent",
    } <= models
    count = {m: sum(r["model"] == m for r in document["objects"]) for m in models}
    assert (
        count["pledges.value"]
        == Value.objects.filter(submission__bloc_year=year).count()
    )
    assert (
        count["scoring.ballot"] == Ballot.objects.filter(round__bloc_year=year).count()
    )
    context = {row["model"] for row in document["context"]}
    assert {"blocs.ministry", "blocs.bloc", "blocs.board", "blocs.user"} <= context


def test_a_deleted_year_comes_back_exactly(saved):
    year, path, before = saved
    other = factories.bloc_year(members=[factories.board()], year=YEAR)
    other_rows = AuditEvent.objects.count()
    backup.year_delete(bloc_year=year)
    assert not BlocYear.objects.filter(pk=year.pk).exists()
    assert not Value.objects.filter(submission__bloc_year_id=year.pk).exists()
    assert AuditEvent.objects.count() < other_rows
    call_command("restore_year", str(path))
    assert _dump() == before
    assert BlocYear.objects.filter(pk=other.pk).exists()  # another year untouched


def test_restore_refuses_an_existing_year_unless_replace(saved):
    year, path, before = saved
    Indicator.objects.filter(bloc_year=year, code="export").update(name="đã sửa")
    with pytest.raises(CommandError, match="--replace"):
        call_command("restore_year", str(path))
    assert _dump() != before  # nothing was touched
    call_command("restore_year", str(path), replace=True)
    assert _dump() == before


def test_backup_of_an_unknown_year_is_refused(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("backup_year", bloc="KHÔNG-CÓ", year=2023, out=str(tmp_path / "x"))


def test_restore_refuses_ids_held_by_other_rows(saved):
    year, path, _before = saved
    document = json.loads(path.read_text(encoding="utf-8"))
    backup.year_delete(bloc_year=year)
    # Another row now holds an id of the backup's rounds.
    taken = next(r for r in document["objects"] if r["model"] == "scoring.votinground")
    other = factories.bloc_year(members=[factories.board()], year=2030)
    VotingRound.objects.create(pk=taken["pk"], bloc_year=other, kind="flag", title="x")
    held = rf"scoring\.VotingRound.*\[{taken['pk']}\]"
    with pytest.raises(CommandError, match=held):
        call_command("restore_year", str(path))
    assert not BlocYear.objects.filter(pk=year.pk).exists()  # all or nothing


@pytest.mark.django_db(transaction=True)
def test_a_year_restores_into_an_empty_database(media, tmp_path):
    _full_year()
    path = tmp_path / "backup.json"
    call_command("backup_year", bloc=BLOC, year=YEAR, out=str(path))
    before = _dump()
    scores = dict(Score.objects.values_list("board__short_name", "total"))
    call_command("flush", interactive=False, verbosity=0)
    assert not BlocYear.objects.exists()
    call_command("restore_year", str(path))
    assert _dump() == before
    assert dict(Score.objects.values_list("board__short_name", "total")) == scores
    assert Evidence.objects.get().name == "minh-chung.pdf"
    assert Publication.objects.get().kind == "pledge"
    # New rows after a restore get fresh ids (sequences were moved on).
    officer = User.objects.filter(role="board_officer").first()
    assert officer.groups.exists()
    event = AuditEvent.objects.create(action="t", object_type="t", object_id="1")
    assert event.pk > max(
        AuditEvent.objects.exclude(pk=event.pk).values_list("pk", flat=True)
    )


def test_ministry_pages_forget_a_deleted_and_restored_year(
    world, client_for, django_capture_on_commit_callbacks
):
    """Deleting a year takes its audit events with it, so the data version of
    the cached pages may not move: they are forgotten instead."""
    client = client_for(world.users["ministry"])
    label = f"{world.own_year.year}</a>"
    document = json.loads(
        backup.year_dumps(backup.year_dump(bloc=world.own.short_name, year=2023))
    )
    assert client.get("/ministry/").text.count(label) == 2
    with django_capture_on_commit_callbacks(execute=True):
        backup.year_delete(bloc_year=world.own_year)
    assert client.get("/ministry/").text.count(label) == 1
    with django_capture_on_commit_callbacks(execute=True):
        backup.year_restore(document=document)
    assert client.get("/ministry/").text.count(label) == 2
