"""load_demo closes seed 004's 2023 and seed 000's 2016 through the services,
with the seeds' outcomes, and publishes their four documents once.

The demo is loaded once for the class ``TestDemo`` (it renders eight PDFs)
inside a transaction rolled back after it; each test runs in a savepoint
within it. The last test needs a database without the demo: it is outside
the class, so it holds whatever the order of the tests.
"""

import hashlib
import io
import subprocess
from decimal import Decimal as D

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from blocs import services as bloc_services
from blocs.models import AuditEvent, BlocYear, Membership, User
from demodata import blocs as blocs_demo
from pledges import services as pledges
from pledges.models import Submission, Value
from pledges.selectors import bloc_totals
from reports import documents
from reports import services as report_services
from reports.models import Publication
from scoring import services as scoring
from scoring.models import Score, VotingRound
from tests.demo import demo_loaded

KINDS = [k.value for k in Publication.Kind]
FULL = {
    "KKT Dung Quất": "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp "
    "tỉnh Quảng Ngãi",
    "KKT Gia Lai": "Ban Quản lý Khu kinh tế tỉnh Gia Lai",
    "KKT Bình Định": "Ban Quản lý Khu kinh tế tỉnh Bình Định",
    "KKT Vân Phong": "Ban Quản lý Khu kinh tế Vân Phong tỉnh Khánh Hòa",
    "KCN Đắk Lắk": "Ban Quản lý các Khu công nghiệp tỉnh Đắk Lắk",
    "KKT Kon Tum": "Ban Quản lý Khu kinh tế tỉnh Kon Tum",
    "KKT mở Chu Lai": "Ban Quản lý Khu kinh tế mở Chu Lai tỉnh Quảng Nam",
    "KCN-KCX Đà Nẵng": "Ban Quản lý các Khu công nghiệp và chế xuất Đà Nẵng",
}
FLAG_2023 = {"KKT Dung Quất", "KKT Gia Lai"}
MERIT_2023 = {"KKT Bình Định", "KKT Vân Phong", "KCN Đắk Lắk"}
LEADING_2016 = {"KKT Vân Phong", "KKT mở Chu Lai", "KCN-KCX Đà Nẵng"}


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from demo_loaded(django_db_blocker, tmp_path_factory)


def _year(short, year):
    return BlocYear.objects.select_related("bloc").get(
        bloc__short_name=short, year=year
    )


def pdf_text(content: bytes, *, layout: bool) -> str:
    """pdftotext, whitespace folded: -layout keeps a table's row on one line;
    without it, the text of one cell (a long name) stays together."""
    args = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    out = subprocess.run(args, input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def _published_text(bloc_year, kind, *, layout: bool = True) -> str:
    publication = Publication.objects.get(bloc_year=bloc_year, kind=kind)
    with publication.file.open("rb") as f:
        return pdf_text(f.read(), layout=layout)


def _draft_text(bloc_year, kind, *, layout: bool = True) -> str:
    """A document the demo cannot publish (a signer the seeds do not name)."""
    assert not Publication.objects.filter(bloc_year=bloc_year, kind=kind).exists()
    return pdf_text(documents.render(kind, bloc_year, draft=True), layout=layout)


def _chosen(bloc_year, kind) -> set[str]:
    return {
        c.board.short_name
        for r in bloc_year.voting_rounds.filter(kind=kind)
        for c in r.candidates.filter(elected=True).select_related("board")
    }


def _state():
    counts = {
        model._meta.label: model.objects.count()
        for app in ("blocs", "pledges", "scoring", "reports")
        for model in apps.get_app_config(app).get_models()
    }
    checksums = sorted(
        Publication.objects.values_list("bloc_year_id", "kind", "version", "sha256")
    )
    statuses = sorted(BlocYear.objects.values_list("pk", "status"))
    return counts, checksums, statuses


class TestDemo:
    # 2023: seed 004 ------------------------------------------------------------------

    def test_2023_is_closed_with_seed_004_outcome(self, demo):
        year = _year("TN-DHMT", 2023)
        assert year.status == BlocYear.Status.CLOSED
        rounds = year.voting_rounds.all()
        assert {r.status for r in rounds} == {VotingRound.Status.CLOSED}
        assert _chosen(year, "flag") == FLAG_2023
        assert _chosen(year, "merit") == MERIT_2023
        assert _chosen(year, "head") == {"KKT Dung Quất"}
        assert _chosen(year, "deputy") == {"KKT Kon Tum"}
        for kind in ("head", "deputy"):
            winner = year.voting_rounds.get(kind=kind).candidates.get(elected=True)
            assert (winner.votes, winner.share) == (11, D("100.00"))
        leaders = dict(
            _year("TN-DHMT", 2024)
            .memberships.exclude(role=Membership.Role.MEMBER)
            .values_list("role", "board__short_name")
        )
        assert leaders == {"head": "KKT Dung Quất", "deputy": "KKT Kon Tum"}

    def test_2023_went_through_the_whole_cycle(self, demo):
        year = _year("TN-DHMT", 2023)
        pledge = year.pledge
        assert pledge.status == "closed"
        assert pledge.commitments.count() == 5
        assert pledge.signatures.count() == year.memberships.count() == 11
        statuses = set(year.submissions.values_list("status", flat=True))
        assert statuses == {Submission.Status.APPROVED}
        assert year.scoring_scale.status == "frozen"
        ranked = list(
            Score.objects.filter(bloc_year=year)
            .order_by("rank")
            .values_list("board__short_name", flat=True)
        )
        # The nominated boards lead the ranking, flag before merit.
        assert set(ranked[:2]) == FLAG_2023
        assert set(ranked[2:5]) == MERIT_2023
        # The year moved one stage at a time, audited; the seed records no
        # registration of targets, so that move says why it went on anyway.
        moves = AuditEvent.objects.filter(
            action__startswith="bloc_year.advance", object_id=str(year.pk)
        )
        assert moves.count() == len(BlocYear.Status) - 1
        override = moves.get(action="bloc_year.advance_override")
        assert override.changes["status"] == ["pledge", "reporting"]
        assert override.changes["override_reason"]

    def test_2023_figures_are_marked_illustrative(self, demo):
        year = _year("TN-DHMT", 2023)
        entered = Value.objects.filter(submission__bloc_year=year, actual__isnull=False)
        assert entered.count() >= 11 * 9
        assert not entered.filter(note="").exists()
        assert "minh họa" in entered.first().note
        assert "minh họa" in year.note

    def test_2023_documents_carry_the_outcome(self, demo):
        year = _year("TN-DHMT", 2023)
        nomination = _published_text(year, "nomination", layout=False)
        for short in FLAG_2023 | MERIT_2023:
            assert FULL[short] in nomination
        assert "Cờ thi đua của Bộ Kế hoạch và Đầu tư (2 đơn vị)" in nomination
        assert "Bằng khen của Bộ trưởng Bộ Kế hoạch và Đầu tư (3 đơn vị)" in nomination
        summary = _published_text(year, "summary", layout=False)
        assert (
            f"bầu {FULL['KKT Dung Quất']} làm Khối trưởng và {FULL['KKT Kon Tum']} "
            "làm Khối phó năm 2024" in summary
        )
        # The minutes need a secretary and a counting team the seed does not
        # name: a draft.
        minutes = _draft_text(year, "minutes")
        assert "KKT Dung Quất 11 100 Được chọn" in minutes
        assert "KKT Kon Tum 11 100 Được chọn" in minutes
        minutes = _draft_text(year, "minutes", layout=False)
        assert f"Khối trưởng năm 2024: {FULL['KKT Dung Quất']}" in minutes
        assert f"Khối phó năm 2024: {FULL['KKT Kon Tum']}" in minutes

    def test_documents_cite_the_laws_and_ministry_of_their_date(self, demo):
        # The summary has no legal bases; the pledge and the nomination do.
        nomination = _published_text(_year("TN-DHMT", 2023), "nomination", layout=False)
        assert "BỘ KẾ HOẠCH VÀ ĐẦU TƯ" in nomination
        assert "Nghị định số 91/2017/NĐ-CP" in nomination
        assert "06/2022/QH15" not in nomination
        assert "152/2025" not in nomination
        # 2016's documents cite what was in force then.
        for kind in ("pledge", "nomination"):
            text = _draft_text(_year("DHMT", 2016), kind, layout=False)
            assert "ngày 26 tháng 11 năm 2003" in text
            assert "Nghị định số 42/2010/NĐ-CP" in text
            assert "10004/BKHĐT-TĐKT" in text
            assert "91/2017" not in text  # issued after that year's documents

    # 2016: seed 000 ------------------------------------------------------------------

    def test_2016_totals_are_seed_000_exactly(self, demo):
        year = _year("DHMT", 2016)
        assert year.status == BlocYear.Status.CLOSED
        assert year.memberships.count() == 7
        totals = {
            row.indicator.code: row.total
            for row in bloc_totals(year, approved_only=True)
        }
        assert totals["new-projects"].actual == 132
        assert totals["new-projects"].reported == 7
        expected = {
            "new-capital-usd": ("1016.87", "2470.7", "242.97"),
            "production-value": ("195168", "210764.9", "107.99"),
            "export": ("2257.2", "2331.663", "103.30"),
            "budget": ("33430", "38561", "115.35"),
        }
        for code, (plan, actual, percent) in expected.items():
            assert (totals[code].plan, totals[code].actual) == (D(plan), D(actual))
            assert totals[code].percent == D(percent)
        assert "minh họa" in year.note

    def test_2016_summary_shows_the_cluster_totals(self, demo):
        summary = _draft_text(_year("DHMT", 2016), "summary")
        assert "Số dự án cấp mới dự án — 132" in summary
        assert "1.016,87 2.470,7 242,97" in summary
        assert "195.168 210.764,9" in summary
        assert "2.257,2 2.331,663" in summary
        assert "33.430 38.561" in summary

    def test_2016_proposes_the_three_leading_units_and_invents_no_vote(self, demo):
        year = _year("DHMT", 2016)
        # Seed 000 records an acclamation for an award it does not name: no
        # round, no votes, no flag, no election are invented.
        assert not year.voting_rounds.exists()
        nomination = _draft_text(year, "nomination", layout=False)
        assert "suy tôn 03 đơn vị dẫn đầu Cụm" in nomination
        for name in [
            "Khu kinh tế Vân Phong",
            "Khu kinh tế mở Chu Lai",
            "chế xuất Đà Nẵng",
        ]:
            assert name in nomination
        for kind in KINDS:
            text = _draft_text(year, kind, layout=False)
            assert "Cờ thi đua" not in text
            assert "phiếu" not in text
            assert "chưa bầu" not in text
        # Seed 000 publishes no scores: none are invented.
        assert not Score.objects.filter(bloc_year=year).exists()
        # Its four inferred members are marked.
        summary = _draft_text(year, "summary", layout=False)
        assert summary.count("Đà Nẵng*") == 1
        assert "nguồn không nêu tên" in summary

    # Publication and idempotence ------------------------------------------------

    def test_documents_with_every_signer_named_are_published_once(self, demo):
        # 2023: the summary and nomination are signed by the head, whom seed
        # 004 names; the pledge and minutes need people it does not name.
        # 2016: seed 000 names nobody, so every document stays a draft.
        expected = {("TN-DHMT", 2023): ["nomination", "summary"], ("DHMT", 2016): []}
        for short, year, publisher in [
            ("TN-DHMT", 2023, "khoitruong"),
            ("DHMT", 2016, "admin"),
        ]:
            publications = Publication.objects.filter(bloc_year=_year(short, year))
            kinds = sorted(publications.values_list("kind", flat=True))
            assert kinds == expected[(short, year)]
            for p in publications:
                assert p.version == 1
                assert p.published_by.username == publisher
                with p.file.open("rb") as f:
                    content = f.read()
                assert content.startswith(b"%PDF")
                assert hashlib.sha256(content).hexdigest() == p.sha256
                assert len(content) == p.size

    def test_publishing_a_document_with_unnamed_signers_is_refused(self, demo):
        year = _year("TN-DHMT", 2023)
        secretariat = User.objects.get(username="khoitruong")
        before = _state()
        with pytest.raises(ValidationError) as refused:
            report_services.document_publish(
                bloc_year=year, kind="minutes", actor=secretariat
            )
        message = " ".join(refused.value.messages)
        assert "Thư ký" in message
        assert "Ban kiểm phiếu" in message
        # The 2024 pledge, signed at the 2023 conference: seed 004 names the
        # heads of Vân Phong and Dung Quất that day, no other.
        with pytest.raises(ValidationError) as refused:
            report_services.document_publish(
                bloc_year=_year("TN-DHMT", 2024), kind="pledge", actor=secretariat
            )
        message = " ".join(refused.value.messages)
        assert FULL["KKT Gia Lai"] in message
        assert FULL["KKT Vân Phong"] not in message
        assert _state() == before

    def test_closed_years_refuse_changes_through_the_services(self, demo):
        year = _year("TN-DHMT", 2023)
        secretariat = User.objects.get(username="khoitruong")
        with pytest.raises(ValidationError):
            scoring.scores_compute(bloc_year=year, actor=None)
        with pytest.raises(PermissionDenied):
            pledges.submission_approve(
                submission=year.submissions.first(), actor=secretariat
            )

    def test_loading_twice_changes_nothing(self, demo):
        before = _state()
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        assert _state() == before
        assert "published now" not in out.getvalue()


def test_a_year_closed_before_its_demo_data_is_left_alone(db, settings, tmp_path):
    """A database loaded before reports/demo.py existed has both years closed
    and empty: the services refuse to fill them, so the demo says so."""
    settings.MEDIA_ROOT = str(tmp_path)
    blocs_demo.load(stdout=io.StringIO())
    for spec in blocs_demo.BLOC_YEARS:
        if spec.get("closed_by"):
            bloc_year = _year(spec["bloc"], spec["year"])
            bloc_services.bloc_year_upsert(
                bloc=bloc_year.bloc, year=bloc_year.year, status="closed"
            )
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert out.getvalue().count("was closed before its demo data") == 2
    assert not Publication.objects.exists()
