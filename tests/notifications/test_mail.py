"""E-mail through a real SMTP server on loopback (aiosmtpd): what arrives, in
which language, and what happens when the server is away or refuses."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from blocs.notifications import services
from blocs.notifications.models import Delivery, Notice
from pledges import notices
from pledges import services as pledge_services
from tests.notifications.helpers import officer, submitted
from tests.smtp import html_of, run_worker, text_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def returned(reporting):
    """Board 0's report returned with a reason; two officers of that board, one
    reading English; an officer of another board."""
    world = reporting
    board = world.own_boards[0]
    vi_officer = officer(board, email="vi@bql.example.vn", first_name="Lan")
    en_officer = officer(board, email="en@bql.example.vn")
    services.preference_set(user=en_officer, email_optional=True, language="en")
    officer(world.own_boards[1], email="other@bql.example.vn")
    sub = submitted(world, board, vi_officer)
    return world, sub, vi_officer, en_officer


def _return(world, sub):
    return pledge_services.submission_return(
        submission=sub,
        actor=world.users["secretariat"],
        reason="Thiếu minh chứng xuất khẩu",
        indicator_ids=[],
    )


def test_a_returned_report_arrives_by_smtp_in_each_officers_language(smtp, returned):
    world, sub, _vi_officer, _en_officer = returned
    _return(world, sub)
    assert smtp.messages == []  # the request only enqueued
    run_worker()
    by_rcpt = {tuple(rcpt): msg for rcpt, msg in smtp.messages}
    assert set(by_rcpt) == {("vi@bql.example.vn",), ("en@bql.example.vn",)}
    link = "https://portal.example.vn" + reverse("pledges:submission", args=[sub.pk])
    vi_mail, en_mail = by_rcpt[("vi@bql.example.vn",)], by_rcpt[("en@bql.example.vn",)]
    assert (
        vi_mail["Subject"].strip() == "2023: báo cáo của đơn vị bị trả lại để chỉnh sửa"
    )
    assert vi_mail["Content-Language"] == "vi"
    assert "Thiếu minh chứng xuất khẩu" in text_of(vi_mail)
    assert link in text_of(vi_mail)
    assert f'href="{link}"' in html_of(vi_mail)
    assert "Kính gửi Lan" in text_of(vi_mail)
    assert (
        en_mail["Subject"].strip()
        == "2023: your board's report was returned for correction"
    )
    assert en_mail["Content-Language"] == "en"
    assert link in text_of(en_mail)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_smtp_down_the_page_answers_the_mail_waits_and_arrives_later(
    smtp, returned, client
):
    world, sub, _vi_officer, _en = returned
    smtp.stop()
    client.force_login(world.users["secretariat"])
    started = time.monotonic()
    response = client.post(
        reverse("admin:pledges_submission_changelist"),
        {
            "action": "return_for_correction",
            "_selected_action": [sub.pk],
            "reason": "Số liệu chưa khớp",
            "apply": "1",
        },
    )
    assert time.monotonic() - started < 5  # no SMTP in the request
    assert response.status_code in (200, 302)
    sub.refresh_from_db()
    assert sub.status == "returned"
    run_worker()  # the server is down: every delivery is put back
    deliveries = list(Delivery.objects.all())
    assert len(deliveries) == 2
    assert {(d.status, d.attempts) for d in deliveries} == {("pending", 1)}
    assert all(d.last_error for d in deliveries)
    assert smtp.messages == []
    # The retry task waits for its back-off; the server comes back meanwhile.
    from django_tasks_db.models import DBTaskResult

    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after > timezone.now()
    assert retry.run_after == min(d.next_attempt_at for d in deliveries)
    smtp.start()
    Delivery.objects.update(next_attempt_at=retry.enqueued_at)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=retry.enqueued_at)
    run_worker()
    assert sorted(r[0] for r, _m in smtp.messages) == [
        "en@bql.example.vn",
        "vi@bql.example.vn",
    ]
    assert "Số liệu chưa khớp" in text_of(smtp.messages[0][1])
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 2)}


def test_a_refused_address_is_recorded_and_shown_to_the_secretariat(
    smtp, returned, client
):
    world, sub, _vi_officer, _en_officer = returned
    smtp.handler.refuse.add("en@bql.example.vn")
    _return(world, sub)
    run_worker()
    assert [r for r, _m in smtp.messages] == [["vi@bql.example.vn"]]
    bounced = Delivery.objects.get(address="en@bql.example.vn")
    assert bounced.status == "bounced"
    assert "550" in bounced.last_error
    assert not Delivery.objects.filter(status="pending").exists()  # not retried
    client.force_login(world.users["secretariat"])
    page = client.get(
        reverse("admin:notifications_delivery_changelist") + "?status=bounced"
    )
    assert page.status_code == 200
    assert "en@bql.example.vn" in page.text
    assert "vi@bql.example.vn" not in page.text
    client.force_login(world.users["other_secretariat"])
    page = client.get(reverse("admin:notifications_delivery_changelist"))
    assert "en@bql.example.vn" not in page.text


def test_names_and_reasons_cannot_add_mail_headers(smtp, returned):
    _world, _sub, vi_officer, _en = returned
    services.notify(
        users=[vi_officer],
        kind=notices.REPORT_RETURNED,
        context={
            "board": "BQL\r\nBcc: victim@evil.example",
            "year": "2023\r\nBcc: victim@evil.example",
            "reason": "x\r\nBcc: victim@evil.example",
            "flagged": "—",
        },
    )
    run_worker()
    ((rcpt, message),) = [m for m in smtp.messages if m[0] == ["vi@bql.example.vn"]]
    assert rcpt == ["vi@bql.example.vn"]
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"]
    assert "\r" not in message["Subject"]
    assert Notice.objects.filter(user=vi_officer).count() == 1
