"""Every write path is one transaction: a failure after the request's first
database write leaves nothing behind.

Each test drives a path as its user does (a page, an admin action, the admin
import), makes a later step of the request raise (a ``post_save`` receiver
connected only here, or a function the service calls after writing), and
then compares every row of the portal's apps, and every stored file, with a
snapshot taken before the request. The fault first checks that the request
had already written something, so a fault that fires too early cannot make a
test pass; a final run without the fault shows the request does write.
"""

import hashlib
from contextlib import contextmanager, suppress
from pathlib import Path
from unittest import mock

import pytest
import tablib
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.signals import post_save
from django.urls import reverse

from blocs.models import AuditEvent, Membership
from pledges import services as pledges
from pledges.models import Indicator, Submission
from scoring import services as scoring
from scoring.models import Assessment, Criterion, ScoringScale, VotingRound
from tests import factories
from tests.pledges.conftest import form_data
from tests.scoring.test_admin import _form_data

APPS = ("blocs", "pledges", "scoring", "reports")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Fault(Exception):
    """The injected failure."""


def _rows() -> dict:
    rows = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.proxy:
                continue
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def _files(root: Path) -> dict:
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def snapshot(media):
    def take():
        return _rows(), _files(media)

    return take


@contextmanager
def fault(snapshot, *, after_save_of=None, patch=None):
    """Raise ``Fault`` after a row of ``after_save_of`` is saved, or instead of
    the function ``patch`` names; then nothing the request wrote may stay."""
    before = snapshot()
    fired = []

    def boom(*args, **kwargs):
        fired.append(snapshot() != before)
        raise Fault

    def receiver(sender, **kwargs):
        boom()

    if after_save_of is not None:
        post_save.connect(receiver, sender=after_save_of, dispatch_uid="fault")
    patcher = mock.patch(patch, side_effect=boom) if patch else None
    if patcher:
        patcher.start()
    try:
        # A view may turn the failure into a message or a 500: either is fine,
        # as long as the failure happened and nothing stays.
        with suppress(Fault):
            yield
    finally:
        if patcher:
            patcher.stop()
        post_save.disconnect(dispatch_uid="fault", sender=after_save_of)
    assert fired, "the fault never fired: the path did not reach it"
    assert fired[0], "the fault fired before the request wrote anything"
    after = snapshot()
    assert after[1] == before[1], "a stored file stayed after the failure"
    changed = [label for label in before[0] if before[0][label] != after[0][label]]
    assert not changed, f"rows left behind in {changed}"


def _changes(snapshot, call) -> list[str]:
    """The tables a request changes when nothing fails (the control run)."""
    before = snapshot()
    call()
    after = snapshot()
    return [label for label in before[0] if before[0][label] != after[0][label]]


@pytest.fixture
def year(world):
    """The own year with catalogue, reports, an open pledge and a draft scale."""
    by = world.own_year
    pledges.indicators_copy(bloc_year=by, actor=None)
    pledges.submissions_prepare(bloc_year=by, actor=None)
    pledge = pledges.pledge_create(bloc_year=by, actor=None)
    pledges.pledge_open(pledge=pledge, actor=None)
    scoring.scale_create(bloc_year=by, actor=None)
    return world


def _officer_sub(world) -> Submission:
    return Submission.objects.get(
        bloc_year=world.own_year, board=world.users["board_officer"].board
    )


def _submitted(world, board) -> Submission:
    officer = factories.user(role="board_officer", board=board)
    sub = Submission.objects.get(bloc_year=world.own_year, board=board)
    ind = {
        i.code: i.pk
        for i in Indicator.objects.filter(
            bloc_year=world.own_year, code__in=["new-projects", "new-projects-fdi"]
        )
    }
    return pledges.submission_submit(
        submission=sub,
        actor=officer,
        expected_version=sub.version,
        entries={
            ind["new-projects"]: pledges.Entry(plan=7, actual=8),
            ind["new-projects-fdi"]: pledges.Entry(actual=8),
        },
    )


def _freeze(world) -> ScoringScale:
    scale = ScoringScale.objects.get(bloc_year=world.own_year)
    return scoring.scale_freeze(scale=scale, actor=None)


def _admin_action(client, model, action, objects, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    return client.post(reverse(f"admin:{model}_changelist"), data)


# The board's pages -------------------------------------------------------------------


@pytest.mark.parametrize("action", ["save", "register", "submit-empty"])
def test_board_form_leaves_nothing_when_it_fails_after_writing(
    year, client_for, snapshot, action
):
    sub = _officer_sub(year)
    client = client_for(year.users["board_officer"])
    codes = Indicator.objects.filter(bloc_year=year.own_year, has_plan=True)
    plans = {f"plan__{i.code.replace('-', '_')}": "10" for i in codes}
    typed = {"new_projects": "12", "new_projects_fdi": "12"}
    data = form_data(sub, **typed, **plans) | {"action": action}
    url = reverse("pledges:submission", args=[sub.pk])
    with fault(snapshot, after_save_of=AuditEvent):
        client.post(url, data)
    changed = _changes(snapshot, lambda: client.post(url, data))
    assert {"pledges.Value", "pledges.Submission", "blocs.AuditEvent"} <= set(changed)


def test_pledge_signature_leaves_nothing_when_it_fails(year, client_for, snapshot):
    client = client_for(year.users["board_officer"])
    url = reverse("pledges:pledge", args=[year.own_year.pledge.pk])
    confirmed = {"confirmed": "yes"}
    with fault(snapshot, after_save_of=AuditEvent):
        client.post(url, confirmed)
    assert "pledges.Signature" in _changes(
        snapshot, lambda: client.post(url, confirmed)
    )


def test_evidence_upload_leaves_no_row_and_no_file_when_it_fails(
    year, client_for, snapshot
):
    sub = _officer_sub(year)
    client = client_for(year.users["board_officer"])
    url = reverse("pledges:evidence_upload", args=[sub.pk])

    def post():
        upload = SimpleUploadedFile("minh-chung.pdf", PDF)
        client.post(url, {"version": sub.version, "file": upload})

    with fault(snapshot, after_save_of=AuditEvent):
        post()
    assert "pledges.Evidence" in _changes(snapshot, post)
    assert snapshot()[1], "the control run stores the file"


def test_self_assessment_rolls_back_every_criterion_when_one_fails(
    year, client_for, snapshot
):
    _freeze(year)
    client = client_for(year.users["board_officer"])
    url = reverse("scoring:self_assessment", args=[year.own_year.pk])
    c1, c2 = (
        Criterion.objects.get(scale__bloc_year=year.own_year, code=c)
        for c in ("C1", "C2")
    )

    def post():
        stamp = client.get(url).context["form"]["stamp"].value()
        client.post(
            url, {"stamp": stamp, f"points_{c1.pk}": "1", f"points_{c2.pk}": "2"}
        )

    calls = []

    def second_fails(sender, instance, **kwargs):
        calls.append(instance.pk)
        if len(calls) == 2:
            raise Fault

    # The second criterion's save fails after the first was stored and scored.
    before = snapshot()
    post_save.connect(second_fails, sender=Assessment, dispatch_uid="second")
    try:
        with pytest.raises(Fault):
            post()
    finally:
        post_save.disconnect(dispatch_uid="second", sender=Assessment)
    assert len(calls) == 2
    assert snapshot() == before
    assert "scoring.Assessment" in _changes(snapshot, post)


def test_ballot_leaves_neither_cast_nor_ballot_when_it_fails(
    year, client_for, snapshot
):
    _freeze(year)
    voting_round = factories.round_open(
        voting_round=scoring.round_create(
            bloc_year=year.own_year, kind="flag", actor=None, quota=1, max_choices=1
        ),
        actor=None,
    )
    client = client_for(year.users["board_officer"])
    url = reverse("scoring:round", args=[voting_round.pk])
    data = {"choices": [year.own_boards[0].pk]}
    with fault(snapshot, after_save_of=AuditEvent):
        client.post(url, data)
    changed = _changes(snapshot, lambda: client.post(url, data))
    assert {"scoring.BallotCast", "scoring.Ballot"} <= set(changed)


def test_publishing_leaves_no_publication_and_no_file_when_it_fails(
    year, client_for, snapshot
):
    client = client_for(year.users["secretariat"])
    url = reverse("reports:publish", args=[year.own_year.pk, "pledge"])
    confirmed = {"confirmed": "yes"}
    with fault(snapshot, after_save_of=AuditEvent):
        client.post(url, confirmed)
    assert "reports.Publication" in _changes(
        snapshot, lambda: client.post(url, confirmed)
    )
    assert snapshot()[1], "the control run archives the PDF"


# The secretariat's admin -------------------------------------------------------


def test_admin_import_leaves_nothing_when_it_fails(year, client_for, snapshot):
    by = year.own_year
    rows = [
        [by.bloc.short_name, by.year, board.short_name, "new-projects", "5", "6"]
        for board in year.own_boards
    ]
    content = tablib.Dataset(
        *rows, headers=["bloc", "year", "board", "indicator", "plan", "actual"]
    ).export("csv")
    client = client_for(year.users["secretariat"])

    def confirm():
        preview = client.post(
            reverse("admin:pledges_value_import"),
            {
                "resource": "0",
                "format": "0",
                "import_file": SimpleUploadedFile("values.csv", content.encode()),
            },
        )
        form = preview.context["confirm_form"]
        client.post(reverse("admin:pledges_value_process_import"), form.initial)

    with fault(snapshot, after_save_of=AuditEvent):
        confirm()
    assert "pledges.Value" in _changes(snapshot, confirm)


def test_approval_rolls_back_when_rescoring_fails(year, client_for, snapshot):
    _freeze(year)
    sub = _submitted(year, year.own_boards[0])
    client = client_for(year.users["secretariat"])
    # Rescoring runs after the approval and its audit row were written.
    with fault(snapshot, patch="scoring.services.scores.score_boards"):
        _admin_action(client, "pledges_submission", "approve", [sub])
    changed = _changes(
        snapshot, lambda: _admin_action(client, "pledges_submission", "approve", [sub])
    )
    assert {"pledges.Submission", "scoring.Score"} <= set(changed)


def test_return_rolls_back_flags_and_status_when_it_fails(year, client_for, snapshot):
    sub = _submitted(year, year.own_boards[0])
    ind = Indicator.objects.get(bloc_year=year.own_year, code="new-projects")
    client = client_for(year.users["secretariat"])
    extra = {"apply": "1", "reason": "Thiếu số liệu", "indicators": [ind.pk]}

    def post():
        _admin_action(
            client, "pledges_submission", "return_for_correction", [sub], **extra
        )

    with fault(snapshot, after_save_of=AuditEvent):
        post()
    assert {"pledges.Submission", "pledges.Value"} <= set(_changes(snapshot, post))


def test_reopen_of_an_approved_report_rolls_back_when_rescoring_fails(
    year, client_for, snapshot
):
    _freeze(year)
    sub = _submitted(year, year.own_boards[0])
    pledges.submission_approve(submission=sub, actor=year.users["secretariat"])
    client = client_for(year.users["secretariat"])
    extra = {"apply": "1", "reason": "Sửa số liệu", "until": "31/12/2099"}

    def post():
        _admin_action(client, "pledges_submission", "reopen", [sub], **extra)

    with fault(snapshot, patch="scoring.services.scores.score_boards"):
        post()
    assert "pledges.Submission" in _changes(snapshot, post)


def test_freezing_the_scale_rolls_back_when_scoring_fails(year, client_for, snapshot):
    scale = ScoringScale.objects.get(bloc_year=year.own_year)
    client = client_for(year.users["secretariat"])

    def post():
        _admin_action(client, "scoring_scoringscale", "freeze", [scale])

    with fault(snapshot, patch="scoring.services.scores.score_boards"):
        post()
    assert {"scoring.ScoringScale", "scoring.Score"} <= set(_changes(snapshot, post))


def test_scale_edit_in_the_admin_rolls_back_when_its_audit_fails(
    year, client_for, snapshot
):
    scale = ScoringScale.objects.get(bloc_year=year.own_year)
    client = client_for(year.users["secretariat"])
    url = reverse("admin:scoring_scoringscale_change", args=[scale.pk])
    data = _form_data(client.get(url))
    data["title"] = "Thang điểm sửa đổi"
    with fault(snapshot, after_save_of=AuditEvent):
        client.post(url, data)
    assert "scoring.ScoringScale" in _changes(snapshot, lambda: client.post(url, data))


def test_assessment_matrix_rolls_back_every_cell_when_rescoring_fails(
    year, client_for, snapshot
):
    scale = _freeze(year)
    client = client_for(year.users["secretariat"])
    url = reverse("admin:scoring_scoringscale_assess", args=[scale.pk])
    c1 = Criterion.objects.get(scale=scale, code="C1")
    boards = year.own_boards[:2]

    def post():
        form = client.get(url).context["form"]
        data = {
            name: "" if form[name].value() is None else str(form[name].value())
            for name in form.fields
        }
        data |= {f"points_{b.pk}_{c1.pk}": "3" for b in boards}
        client.post(url, data)

    calls = []

    def scoring_fails(bloc_year):
        calls.append(Assessment.objects.count())
        raise Fault

    before = snapshot()
    with (
        mock.patch("scoring.services.scores.score_boards", side_effect=scoring_fails),
        pytest.raises(Fault),
    ):
        post()
    # The matrix is scored once, after both cells were written.
    assert calls == [2]
    assert snapshot() == before
    assert "scoring.Assessment" in _changes(snapshot, post)


def test_round_open_rolls_back_when_its_audit_fails(year, client_for, snapshot):
    _freeze(year)  # a round opens once the year's scores exist
    voting_round = scoring.round_create(
        bloc_year=year.own_year, kind="flag", actor=None
    )
    client = client_for(year.users["secretariat"])

    def post():
        _admin_action(client, "scoring_votinground", "open_round", [voting_round])

    with fault(snapshot, after_save_of=AuditEvent):
        post()
    assert "scoring.VotingRound" in _changes(snapshot, post)


def test_round_close_rolls_back_count_shuffle_and_election_when_it_fails(
    year, client_for, snapshot
):
    _freeze(year)
    voting_round = factories.round_open(
        voting_round=scoring.round_create(
            bloc_year=year.own_year, kind="head", actor=None, quota=1, max_choices=1
        ),
        actor=None,
    )
    winner = year.own_boards[1]
    for board in year.own_boards:
        officer = factories.user(role="board_officer", board=board)
        scoring.ballot_cast(
            voting_round=voting_round, actor=officer, choices=[winner.pk]
        )
    client = client_for(year.users["secretariat"])

    def post():
        _admin_action(
            client,
            "scoring_votinground",
            "close_round",
            [voting_round],
            confirmed="yes",
        )

    with fault(snapshot, after_save_of=AuditEvent):
        post()
    changed = _changes(snapshot, post)
    assert {"scoring.VotingRound", "scoring.Candidate", "blocs.BlocYear"} <= set(
        changed
    )
    assert VotingRound.objects.get(pk=voting_round.pk).status == "closed"
    assert (
        Membership.objects.get(
            bloc_year__year=year.own_year.year + 1, role="head"
        ).board
        == winner
    )
