"""The secretariat's documents admin: previews, drafts and publish actions."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from blocs.models import AuditEvent, BlocYear
from reports import services
from reports.models import Publication
from tests import factories

CHANGELIST = "admin:reports_documentyear_changelist"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _publish(client, year, kind="summary"):
    return client.post(
        reverse(CHANGELIST),
        {
            "action": f"publish_{kind}",
            ACTION_CHECKBOX_NAME: [year.pk],
            "confirmed": "yes",
        },
        follow=True,
    )


SUMMARY_SECTIONS = {
    "results": "Kết quả.",
    "shortcomings": "Tồn tại.",
    "lessons": "Bài học.",
    "directions": "Phương hướng.",
}


def test_secretariat_publishes_versions_from_the_admin(world, client_for):
    client = client_for(world.users["secretariat"])
    factories.at_stage(world.own_year, BlocYear.Status.VOTING)
    # Refused while a required section is empty, with the list of them.
    page = _publish(client, world.own_year)
    assert "Chưa thể ban hành văn bản này. Còn thiếu:" in page.text
    for label in ["Kết quả", "Tồn tại, hạn chế và nguyên nhân", "Bài học kinh nghiệm"]:
        assert label in page.text
    assert not Publication.objects.exists()
    services.sections_save(
        bloc_year=world.own_year, actor=world.users["secretariat"], **SUMMARY_SECTIONS
    )
    page = _publish(client, world.own_year)
    assert page.status_code == 200
    first = Publication.objects.get(bloc_year=world.own_year, kind="summary")
    assert first.version == 1
    # The publication keeps the sections it printed, whatever is written later.
    assert first.sections["results"] == "Kết quả."
    services.sections_save(
        bloc_year=world.own_year, actor=world.users["secretariat"], results="Mới."
    )
    first.refresh_from_db()
    assert first.sections["results"] == "Kết quả."
    assert first.published_by == world.users["secretariat"]
    _publish(client, world.own_year)
    versions = Publication.objects.filter(bloc_year=world.own_year, kind="summary")
    assert sorted(versions.values_list("version", flat=True)) == [1, 2]
    listing = client.get(reverse(CHANGELIST)).text
    # The list shows the latest version, with its download link.
    assert reverse("reports:download", args=[versions.get(version=2).pk]) in listing
    assert reverse("reports:preview", args=[world.own_year.pk, "minutes"]) in listing
    assert AuditEvent.objects.filter(action="document.publish").count() == 2


@pytest.mark.parametrize("role", ["ministry", "other_secretariat"])
def test_readers_and_other_blocs_cannot_publish(world, client_for, role):
    client = client_for(world.users[role])
    assert client.get(reverse(CHANGELIST)).status_code == 200
    _publish(client, world.own_year)
    assert not Publication.objects.exists()
    assert not AuditEvent.objects.filter(action="document.publish").exists()


def test_other_secretariat_does_not_see_the_year(world, client_for):
    listing = client_for(world.users["other_secretariat"]).get(reverse(CHANGELIST))
    assert str(world.other_year) in listing.text
    assert str(world.own_year) not in listing.text


def test_ministry_sees_every_year_without_tools(world, client_for):
    services.document_publish(
        bloc_year=world.other_year, kind="pledge", actor=world.users["superuser"]
    )
    listing = client_for(world.users["ministry"]).get(reverse(CHANGELIST)).text
    assert str(world.own_year) in listing
    assert str(world.other_year) in listing
    assert "publish_" not in listing
    assert reverse("reports:draft", args=[world.own_year.pk, "summary"]) not in listing
    assert reverse("reports:download", args=[Publication.objects.get().pk]) in listing


@pytest.mark.parametrize("role", ["anonymous", "board_officer"])
def test_non_staff_are_sent_to_the_admin_login(world, client_for, role):
    client = client_for(world.users[role])
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    _publish(client, world.own_year)
    assert not Publication.objects.exists()


@pytest.mark.parametrize("years", [2, 8])
def test_documents_list_runs_fixed_queries(
    world, client_for, django_assert_max_num_queries, years
):
    for n in range(years):
        year = factories.bloc_year(
            bloc=world.own, year=2000 + n, members=world.own_boards
        )
        services.document_publish(
            bloc_year=year, kind="pledge", actor=world.users["superuser"]
        )
    client = client_for(world.users["ministry"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse(CHANGELIST))
    assert page.text.count("v1</") >= years


def test_preview_prints_the_year_as_a_label(world, client_for):
    client = client_for(world.users["secretariat"])
    page = client.get(reverse("reports:preview", args=[world.own_year.pk, "summary"]))
    assert "Báo cáo tổng kết năm 2023" in page.text
    assert "2.023" not in page.text
    assert "2.024" not in page.text


def test_sections_are_written_beside_a_live_preview(world, client_for):
    sections = services.sections_save(
        bloc_year=world.own_year, actor=world.users["secretariat"], results="Kết quả."
    )
    client = client_for(world.users["secretariat"])
    change = reverse("admin:reports_yearsections_change", args=[sections.pk])
    page = client.get(change)
    preview = reverse("reports:preview", args=[world.own_year.pk, "summary"])
    assert '<iframe name="sections-preview"' in page.text
    assert f'src="{preview}"' in page.text
    framed = client.get(preview)
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed["Content-Security-Policy"]
    assert "Kết quả." in framed.text
    # Saving through the admin goes through the audited service.
    data = {
        "illustrative": "",
        "results": "Kết quả mới.",
        "achievements-TOTAL_FORMS": "0",
        "achievements-INITIAL_FORMS": "0",
    }
    response = client.post(change, data)
    assert response.status_code == 302
    sections.refresh_from_db()
    assert sections.results == "Kết quả mới."
    assert AuditEvent.objects.filter(action="sections.save").count() == 2


def test_other_blocs_secretariat_cannot_write_the_sections(world, client_for):
    sections = services.sections_save(
        bloc_year=world.own_year, actor=world.users["secretariat"], results="Giữ."
    )
    client = client_for(world.users["other_secretariat"])
    change = reverse("admin:reports_yearsections_change", args=[sections.pk])
    client.post(change, {"results": "Sửa.", "achievements-TOTAL_FORMS": "0"})
    sections.refresh_from_db()
    assert sections.results == "Giữ."
    with pytest.raises(PermissionDenied):
        services.sections_save(
            bloc_year=world.own_year,
            actor=world.users["other_secretariat"],
            results="Sửa.",
        )


# Confirmation and one word for publishing (issue 11) --------------------------


def test_admin_publish_asks_to_confirm_first(world, client_for):
    """Issue 11: publishing a document was one click with no confirmation."""
    factories.at_stage(world.own_year, BlocYear.Status.VOTING)
    services.sections_save(
        bloc_year=world.own_year, actor=world.users["secretariat"], **SUMMARY_SECTIONS
    )
    client = client_for(world.users["secretariat"])
    data = {"action": "publish_summary", ACTION_CHECKBOX_NAME: [world.own_year.pk]}
    page = client.post(reverse(CHANGELIST), data)
    assert page.status_code == 200
    assert "Văn bản đã ban hành là bản chính thức" in page.text
    assert 'name="confirmed" value="yes"' in page.text
    assert str(world.own_year) in page.text
    assert not Publication.objects.exists()
    client.post(reverse(CHANGELIST), {**data, "confirmed": "yes"})
    assert Publication.objects.get().kind == "summary"


def test_portal_publish_asks_to_confirm_first(world, client_for):
    factories.at_stage(world.own_year, BlocYear.Status.VOTING)
    services.sections_save(
        bloc_year=world.own_year, actor=world.users["secretariat"], **SUMMARY_SECTIONS
    )
    url = reverse("reports:publish", args=[world.own_year.pk, "summary"])
    assert client_for(world.users["ministry"]).post(url).status_code == 403
    assert client_for(world.users["other_secretariat"]).post(url).status_code == 404
    client = client_for(world.users["secretariat"])
    page = client.post(url)
    assert page.status_code == 200
    assert "Văn bản đã ban hành là bản chính thức" in page.text
    assert not Publication.objects.exists()
    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert Publication.objects.get().kind == "summary"


def test_publishing_is_called_ban_hanh_in_the_admin_as_in_the_portal(world, client_for):
    """The admin said "Phát hành" where the portal says "Ban hành"."""
    import polib
    from django.conf import settings

    po = polib.pofile(str(settings.BASE_DIR / "locale/vi/LC_MESSAGES/django.po"))
    for entry in po:
        texts = [entry.msgstr, *entry.msgstr_plural.values()]
        assert not any("phát hành" in t.lower() for t in texts), entry.msgid
    listing = client_for(world.users["secretariat"]).get(reverse(CHANGELIST)).text
    assert "Ban hành Báo cáo tổng kết" in listing
    assert "hát hành" not in listing
