"""The report page's hand-written read (``selectors.submission_get_for_form``)
gives what the ORM gives, and exactly to those ``submissions_visible_to``
lets see the submission."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from pledges import selectors, services
from pledges.models import Submission
from pledges.permissions import can_view_submission, submissions_visible_to
from tests import factories
from tests.pledges.conftest import submission_of


def _orm(pk: int) -> Submission:
    return (
        Submission.objects.select_related("bloc_year__bloc", "board", "reviewed_by")
        .annotate(table_version=selectors._table_version())
        .get(pk=pk)
    )


def _fields(instance, names) -> list:
    return [
        (name, getattr(instance, name), type(getattr(instance, name))) for name in names
    ]


@pytest.fixture
def reviewed(reporting):
    """An approved report (a reviewer, times of submission and review) and a
    returned then reopened one (a reason, a date it stays open until)."""
    secretariat = reporting.users["secretariat"]
    approved, reopened = (submission_of(reporting, b) for b in reporting.own_boards[:2])
    for sub in (approved, reopened):
        services.submission_submit(
            submission=sub,
            actor=factories.user(role="board_officer", board=sub.board),
            expected_version=sub.version,
            empty_confirmed=True,
        )
        sub.refresh_from_db()
    services.submission_approve(submission=approved, actor=secretariat)
    services.submission_return(
        submission=reopened, actor=secretariat, reason="Xem lại", indicator_ids=[]
    )
    reopened.refresh_from_db()
    services.submission_reopen(
        submission=reopened, actor=secretariat, until=timezone.localdate(), reason="x"
    )
    return reporting


def test_the_form_read_gives_what_the_orm_gives(reviewed, django_assert_num_queries):
    superuser = reviewed.users["superuser"]
    subs = list(Submission.objects.order_by("pk"))
    assert {s.status for s in subs} >= {"approved", "draft"}
    assert any(s.reopened_until for s in subs)
    for sub in subs:
        expected = _orm(sub.pk)
        with django_assert_num_queries(1):
            read = selectors.submission_get_for_form(user=superuser, pk=sub.pk)
            # Every field the page reads comes with it: none is read again.
            pairs = [
                (read, expected),
                (read.bloc_year, expected.bloc_year),
                (read.bloc_year.bloc, expected.bloc_year.bloc),
                (read.board, expected.board),
            ]
            if expected.reviewed_by is not None:
                pairs.append((read.reviewed_by, expected.reviewed_by))
            for got, want in pairs:
                names = selectors.FORM_COLUMNS[type(want)]
                assert _fields(got, names) == _fields(want, names)
            assert read.table_version == expected.table_version
            assert (read.reviewed_by is None) == (expected.reviewed_by is None)
        assert read == expected
        assert read.get_status_display() == expected.get_status_display()


def test_each_role_reads_exactly_the_submissions_visible_to_it(reporting):
    users = [u for u in reporting.users.values() if u is not None]
    users += [AnonymousUser(), factories.user(role="")]
    subs = list(Submission.objects.select_related("bloc_year"))
    assert len(subs) == 6
    for user in users:
        visible = set(submissions_visible_to(user).values_list("pk", flat=True))
        for sub in subs:
            assert can_view_submission(user, sub) == (sub.pk in visible)
            if sub.pk in visible:
                assert selectors.submission_get_for_form(user=user, pk=sub.pk) == sub
            else:
                with pytest.raises(Http404):
                    selectors.submission_get_for_form(user=user, pk=sub.pk)
    # The officer sees one report of its bloc, the secretariat three, the
    # ministry and the superuser all six.
    counts = sorted(
        sum(can_view_submission(user, sub) for sub in subs) for user in users
    )
    assert counts == [0, 0, 1, 3, 3, 6, 6]
    with pytest.raises(Http404):
        selectors.submission_get_for_form(
            user=reporting.users["superuser"], pk=max(s.pk for s in subs) + 1
        )


def _orm_values(submission, tie: str) -> list:
    return list(
        submission.values.select_related("indicator").order_by(
            "indicator__order", f"indicator__{tie}"
        )
    )


def test_the_values_read_gives_what_the_orm_gives(reviewed, django_assert_num_queries):
    """Every field of every value and of its indicator, with its type, in the
    same order; a figure typed in another unit, a text, a note and a flag
    among them."""
    from decimal import Decimal as D

    from pledges.models import Indicator, Value
    from pledges.services import Entry

    sub = submission_of(reviewed, reviewed.own_boards[2])
    area = Indicator.objects.get(bloc_year=sub.bloc_year, code="zones-area")
    entries = {area.pk: Entry(plan=D("40"), actual=D("42.52"), actual_unit="km2")}
    for value in sub.values.select_related("indicator"):
        ind = value.indicator
        if ind.pk == area.pk:
            continue
        if ind.kind == Indicator.Kind.TEXT:
            entries[ind.pk] = Entry(text="Đã hoàn thành", note="Ghi chú")
        elif ind.kind == Indicator.Kind.BOOLEAN:
            entries[ind.pk] = Entry(actual=D(1))
        else:
            entries[ind.pk] = Entry(
                plan=D("2.5") if ind.has_plan else None, actual=D("3.25")
            )
    sub = services.submission_save(
        submission=sub,
        actor=factories.user(role="board_officer", board=sub.board),
        expected_version=sub.version,
        entries=entries,
    )
    Value.objects.filter(submission=sub, indicator=area).update(flagged=True)
    subs = list(Submission.objects.order_by("pk"))
    assert Value.objects.filter(flagged=True).exists()
    assert Value.objects.exclude(actual_entered=None).exists()
    for submission in subs:
        for tie in ("code", "id"):
            expected = _orm_values(submission, tie)
            assert expected
            with django_assert_num_queries(1):
                read = selectors.values_of(submission, tie=tie)
                pairs = [
                    (r.indicator, e.indicator)
                    for r, e in zip(read, expected, strict=True)
                ]
                assert all(r.submission is submission for r in read)
            assert read == expected  # the same rows in the same order
            for got, want in [*zip(read, expected, strict=True), *pairs]:
                names = [f.attname for f in type(want)._meta.concrete_fields]
                assert _fields(got, names) == _fields(want, names)
