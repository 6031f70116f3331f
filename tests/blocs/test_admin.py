"""The secretariat's admin: constraint messages, scope per role, query counts."""

import pytest
from django.urls import reverse

from blocs.models import AuditEvent, BlocYear, Membership
from pledges import services as pledges
from tests import factories


def _bloc_year_post(bloc_year, rows, **fields):
    """POST data for the bloc-year change form with the given membership rows."""
    existing = list(bloc_year.memberships.order_by("pk"))
    data = {
        "host": "",
        "conference_date": "",
        "conference_end_date": "",
        "conference_place": "",
        "note": "",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(len(existing)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for i, (board, role) in enumerate(rows):
        prefix = f"memberships-{i}-"
        data |= {
            prefix + "board": str(board.pk),
            prefix + "role": role,
            prefix + "confirmed": "on",
            prefix + "source": "",
            prefix + "bloc_year": str(bloc_year.pk),
        }
        if i < len(existing):
            data[prefix + "id"] = str(existing[i].pk)
    return data


def _rows(bloc_year):
    return [(m.board, m.role) for m in bloc_year.memberships.order_by("pk")]


def _snapshot(bloc_year):
    return sorted(
        bloc_year.memberships.values_list("board_id", "role", "year", "confirmed")
    )


def _change_url(bloc_year):
    return reverse("admin:blocs_blocyear_change", args=[bloc_year.pk])


def test_admin_refuses_board_already_in_another_bloc_that_year(world, client_for):
    client = client_for(world.users["secretariat"])
    before = _snapshot(world.own_year)
    rows = [*_rows(world.own_year), (world.other_boards[1], "member")]
    response = client.post(
        _change_url(world.own_year), _bloc_year_post(world.own_year, rows)
    )
    assert response.status_code == 200
    assert "Ban này đã là thành viên của một khối trong năm này." in response.text
    assert _snapshot(world.own_year) == before


def test_admin_refuses_head_equal_to_deputy(world, client_for):
    client = client_for(world.users["secretariat"])
    before = _snapshot(world.own_year)
    head = world.own_boards[0]
    rows = [*_rows(world.own_year), (head, "deputy")]
    response = client.post(
        _change_url(world.own_year), _bloc_year_post(world.own_year, rows)
    )
    assert response.status_code == 200
    assert "được liệt kê hai lần" in response.text
    assert _snapshot(world.own_year) == before


def test_admin_refuses_two_heads(world, client_for):
    client = client_for(world.users["secretariat"])
    before = _snapshot(world.own_year)
    rows = _rows(world.own_year)
    rows[2] = (rows[2][0], "head")
    response = client.post(
        _change_url(world.own_year), _bloc_year_post(world.own_year, rows)
    )
    assert response.status_code == 200
    assert "Chỉ một ban được làm Khối trưởng trong một năm." in response.text
    assert _snapshot(world.own_year) == before


def test_admin_refuses_head_not_member_of_the_bloc(world, client_for):
    """Making another bloc's board head of this year is refused: it would have
    to join this bloc in a year it already belongs to another."""
    client = client_for(world.users["secretariat"])
    before = _snapshot(world.own_year)
    rows = [(b, "member" if r == "head" else r) for b, r in _rows(world.own_year)]
    rows.append((world.other_boards[2], "head"))
    response = client.post(
        _change_url(world.own_year), _bloc_year_post(world.own_year, rows)
    )
    assert response.status_code == 200
    assert "Ban này đã là thành viên của một khối trong năm này." in response.text
    assert _snapshot(world.own_year) == before


def test_admin_saves_valid_change_of_deputy(world, client_for):
    client = client_for(world.users["secretariat"])
    rows = _rows(world.own_year)
    rows[1], rows[2] = (rows[1][0], "member"), (rows[2][0], "deputy")
    response = client.post(
        _change_url(world.own_year), _bloc_year_post(world.own_year, rows)
    )
    assert response.status_code == 302
    assert world.own_year.memberships.get(role="deputy").board == world.own_boards[2]


def test_admin_refuses_second_year_for_same_bloc(world, client_for):
    client = client_for(world.users["secretariat"])
    data = _bloc_year_post(world.own_year, [], bloc=str(world.own.pk), year="2023")
    data["memberships-INITIAL_FORMS"] = "0"
    response = client.post(reverse("admin:blocs_blocyear_add"), data)
    assert response.status_code == 200
    assert "Khối này đã có năm này." in response.text
    assert BlocYear.objects.filter(bloc=world.own, year=2023).count() == 1


def test_secretariat_cannot_add_year_to_another_bloc(world, client_for):
    client = client_for(world.users["secretariat"])
    data = _bloc_year_post(world.own_year, [], bloc=str(world.other.pk), year="2025")
    data["memberships-INITIAL_FORMS"] = "0"
    response = client.post(reverse("admin:blocs_blocyear_add"), data)
    assert response.status_code == 200
    assert not BlocYear.objects.filter(bloc=world.other, year=2025).exists()


def test_advance_action_moves_stage_and_audits(world, client_for):
    # The set-up stage's work done, so nothing is missing for the move.
    secretariat = world.users["secretariat"]
    pledges.indicators_copy(bloc_year=world.own_year, actor=secretariat)
    pledges.submissions_prepare(bloc_year=world.own_year, actor=secretariat)
    pledges.pledge_create(bloc_year=world.own_year, actor=secretariat)
    client = client_for(world.users["secretariat"])
    response = client.post(
        reverse("admin:blocs_blocyear_changelist"),
        {"action": "advance_stage", "_selected_action": [world.own_year.pk]},
    )
    assert response.status_code == 302
    world.own_year.refresh_from_db()
    assert world.own_year.status == BlocYear.Status.PLEDGE
    event = AuditEvent.objects.get(action="bloc_year.advance")
    assert event.actor == world.users["secretariat"]
    assert event.changes == {"status": ["setup", "pledge"]}


def test_advance_action_cannot_touch_another_blocs_year(world, client_for):
    client = client_for(world.users["secretariat"])
    client.post(
        reverse("admin:blocs_blocyear_changelist"),
        {"action": "advance_stage", "_selected_action": [world.other_year.pk]},
    )
    world.other_year.refresh_from_db()
    assert world.other_year.status == BlocYear.Status.SETUP
    assert not AuditEvent.objects.filter(action="bloc_year.advance").exists()


def test_ministry_cannot_run_advance_action(world, client_for):
    client = client_for(world.users["ministry"])
    client.post(
        reverse("admin:blocs_blocyear_changelist"),
        {"action": "advance_stage", "_selected_action": [world.own_year.pk]},
    )
    world.own_year.refresh_from_db()
    assert world.own_year.status == BlocYear.Status.SETUP


def test_closed_year_cannot_be_advanced_or_edited(world, client_for):
    closed = factories.bloc_year(
        bloc=world.own, year=2020, members=world.own_boards, status="closed"
    )
    client = client_for(world.users["superuser"])
    client.post(
        reverse("admin:blocs_blocyear_changelist"),
        {"action": "advance_stage", "_selected_action": [closed.pk]},
    )
    closed.refresh_from_db()
    assert closed.status == BlocYear.Status.CLOSED
    before = _snapshot(closed)
    rows = [(b, "member") for b, _r in _rows(closed)]
    client.post(_change_url(closed), _bloc_year_post(closed, rows, note="changed"))
    closed.refresh_from_db()
    assert closed.note == ""
    assert _snapshot(closed) == before


@pytest.mark.parametrize(
    ("model", "rows_small", "rows_large"),
    [("bloc", 5, 200), ("board", 5, 200), ("blocyear", 5, 200), ("membership", 5, 200)],
)
def test_admin_list_pages_run_fixed_queries(
    db, client_for, django_assert_num_queries, model, rows_small, rows_large
):
    admin = factories.user(superuser=True)
    client = client_for(admin)
    url = reverse(f"admin:blocs_{model}_changelist") + "?all="
    counts = []
    minister = factories.ministry()
    made = 0
    for target in (rows_small, rows_large):
        while made < target:
            b = factories.bloc(ministry=minister)
            boards = [factories.board()]
            factories.bloc_year(bloc=b, year=2020, members=boards, head=boards[0])
            made += 1
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_membership_history_lists_a_board_across_blocs(world, client_for):
    board = world.own_boards[2]
    factories.bloc_year(bloc=world.other, year=2024, members=[board])
    client = client_for(world.users["ministry"])
    response = client.get(
        reverse("admin:blocs_membership_changelist"), {"q": board.short_name}
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    assert Membership.objects.filter(board=board).count() == 2


def test_new_bloc_year_saves_with_its_member_inlines(world, client_for):
    """Issue 11: saving a new bloc-year together with its members answered
    HTTP 500 (NOT NULL blocs_membership.year); the members get the year."""
    client = client_for(world.users["secretariat"])
    boards = world.own_boards
    rows = [(boards[0], "head"), (boards[1], "deputy"), (boards[2], "member")]
    data = _bloc_year_post(world.own_year, rows, bloc=str(world.own.pk), year="2024")
    data["memberships-INITIAL_FORMS"] = "0"
    for i in range(len(rows)):
        data.pop(f"memberships-{i}-id", None)
        data[f"memberships-{i}-bloc_year"] = ""
    response = client.post(reverse("admin:blocs_blocyear_add"), data)
    assert response.status_code == 302
    created = BlocYear.objects.get(bloc=world.own, year=2024)
    assert sorted(
        created.memberships.values_list("board_id", "role", "year")
    ) == sorted((b.pk, role, 2024) for b, role in rows)


def test_new_bloc_year_refuses_board_of_another_bloc_that_year(world, client_for):
    """The one-bloc-per-board-and-year check also runs on a new bloc-year."""
    client = client_for(world.users["secretariat"])
    taken = factories.bloc_year(
        bloc=world.other, year=2024, members=[world.own_boards[0]]
    )
    rows = [(world.own_boards[0], "member")]
    data = _bloc_year_post(world.own_year, rows, bloc=str(world.own.pk), year="2024")
    data["memberships-INITIAL_FORMS"] = "0"
    data.pop("memberships-0-id", None)
    data["memberships-0-bloc_year"] = ""
    response = client.post(reverse("admin:blocs_blocyear_add"), data)
    assert response.status_code == 200
    assert "Ban này đã là thành viên của một khối trong năm này." in response.text
    assert not BlocYear.objects.filter(bloc=world.own, year=2024).exists()
    assert taken.memberships.count() == 1


def test_conference_dates_say_they_are_the_year_end_conference(world, client_for):
    """Issue 11: "Ngày hội nghị" did not say it was the year-end conference,
    so the pledge-signing date was typed there."""
    from pledges import services as pledge_services

    client = client_for(world.users["secretariat"])
    page = client.get(reverse("admin:blocs_blocyear_add")).text
    assert "Hội nghị tổng kết năm: ngày khai mạc" in page
    assert "Hội nghị tổng kết năm: ngày bế mạc" in page
    assert "Hội nghị tổng kết năm: địa điểm" in page
    assert "Không phải ngày ký giao ước" in page
    pledge = pledge_services.pledge_create(bloc_year=world.own_year, actor=None)
    page = client.get(reverse("admin:pledges_pledge_change", args=[pledge.pk])).text
    assert "Ngày ký giao ước" in page
    assert "Không phải ngày Hội nghị tổng kết" in page


def test_closing_a_year_asks_to_confirm_first(world, client_for):
    """Issue 11: closing a year was one click; it now shows what closing
    means and waits for a confirmed POST."""
    stages = [s.value for s in BlocYear.Status]
    last_open = stages[stages.index(BlocYear.Status.CLOSED) - 1]
    year = factories.bloc_year(bloc=world.own, year=2021, status=last_open)
    client = client_for(world.users["secretariat"])
    data = {"action": "advance_stage", "_selected_action": [year.pk]}
    page = client.post(reverse("admin:blocs_blocyear_changelist"), data)
    assert page.status_code == 200
    assert "Đóng năm sẽ chốt" in page.text
    year.refresh_from_db()
    assert year.status == last_open
    assert not AuditEvent.objects.filter(action="bloc_year.advance").exists()
    # Confirmed, the move is tried: this bare year has nothing of its last
    # stage done, so the stage rules (issue 11, the cockpit) refuse it with
    # the list - reached only once confirmed.
    done = client.post(
        reverse("admin:blocs_blocyear_changelist"),
        {**data, "confirmed": "yes"},
        follow=True,
    )
    told = " ".join(str(m) for m in done.context["messages"])
    assert "chưa thể rời giai đoạn" in told or "cannot leave the stage" in told
    year.refresh_from_db()
    assert year.status == last_open


def test_marking_a_year_recorded_after_the_fact_is_audited(world, client_for):
    """The flag lets a year take dates stated from paper: who set it, and
    when, is in the portal's audit trail (issue 11)."""
    client = client_for(world.users["secretariat"])
    rows = _rows(world.own_year)
    data = _bloc_year_post(world.own_year, rows, recorded_after_fact="on")
    response = client.post(_change_url(world.own_year), data)
    assert response.status_code == 302
    world.own_year.refresh_from_db()
    assert world.own_year.recorded_after_fact
    event = AuditEvent.objects.get(action="bloc_year.recorded_after_fact")
    assert event.actor == world.users["secretariat"]
    assert event.changes == {"recorded_after_fact": True}
    # Saving again without changing it records nothing more.
    client.post(
        _change_url(world.own_year),
        _bloc_year_post(world.own_year, rows, recorded_after_fact="on"),
    )
    assert (
        AuditEvent.objects.filter(action="bloc_year.recorded_after_fact").count() == 1
    )


def test_user_form_finds_a_bloc_by_name(world, client_for):
    """The secretariat's account is given its bloc by searching for it (an
    autocomplete): the search answers, in a stable order."""
    client = client_for(world.users["superuser"])
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "blocs",
            "model_name": "user",
            "field_name": "bloc",
            "term": world.own.name,
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [str(world.own)]
