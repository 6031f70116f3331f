"""render_documents: a year's documents into a folder, published ones as
archived, the others as drafts; progress per file; clear errors."""

import hashlib
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from blocs.models import BlocYear
from pledges import services as pledges
from reports import services
from reports.models import Publication
from tests import factories

KINDS = [k.value for k in Publication.Kind]
TITLES = {
    "pledge": "GIAO ƯỚC THI ĐUA",
    "summary": "BÁO CÁO",
    "minutes": "BIÊN BẢN",
    "nomination": "TỜ TRÌNH",
}
PROGRESS = re.compile(
    r"^\[(\d+)/(\d+)\] (\S+) (\d{4}) (\w+) → (.+\.pdf) \((\d+) KB\)$", re.M
)


def pdf_text(content: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


def watermarked(content: bytes) -> bool:
    """pypdf keeps the diagonal watermark's letters together."""
    return "DỰ THẢO" in PdfReader(io.BytesIO(content)).pages[0].extract_text()


@pytest.fixture
def blocs(db, settings, tmp_path):
    """Two blocs with a 2023 year (one of them also 2022), a published summary."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    made = {}
    for short, name in [
        ("ĐBSH-T", "Khối thi đua Đồng bằng sông Hồng thử nghiệm"),
        ("TN-T", "Khối thi đua Tây Nguyên thử nghiệm"),
    ]:
        bloc = factories.bloc(short_name=short, name=name)
        boards = [
            factories.board(name=f"Ban Quản lý các KCN tỉnh Đắk Lắk {short} {n}")
            for n in range(3)
        ]
        year = factories.bloc_year(
            bloc=bloc,
            year=2023,
            members=boards,
            head=boards[0],
            status=BlocYear.Status.VOTING,
        )
        pledges.indicators_copy(bloc_year=year, actor=None)
        pledges.pledge_create(bloc_year=year, actor=None)
        made[short] = year
    factories.bloc_year(bloc=made["TN-T"].bloc, year=2022)
    admin = factories.user(superuser=True)
    factories.sections(made["TN-T"])
    publication = services.document_publish(
        bloc_year=made["TN-T"], kind="summary", actor=admin
    )
    return made, publication


def _run(*args) -> str:
    out = io.StringIO()
    call_command("render_documents", *args, stdout=out)
    return out.getvalue()


def test_every_document_of_every_bloc_of_the_year(blocs, tmp_path):
    made, _publication = blocs
    target = tmp_path / "out"
    output = _run("--year", "2023", "--out", str(target))
    lines = PROGRESS.findall(output)
    assert [(int(n), int(total)) for n, total, *_ in lines] == [
        (n, 8) for n in range(1, 9)
    ]
    assert {(bloc, kind) for _n, _t, bloc, _y, kind, *_ in lines} == {
        (short, kind) for short in made for kind in KINDS
    }
    files = sorted(target.iterdir())
    assert len(files) == 8
    assert {p.name for p in files} == {Path(path).name for *_, path, _kb in lines}
    for *_, bloc, year, kind, path, kb in lines:
        content = Path(path).read_bytes()
        assert content.startswith(b"%PDF")
        assert int(kb) == max(1, round(len(content) / 1024))
        text = pdf_text(content)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert TITLES[kind] in text
        assert made[bloc].bloc.name.upper() in text
        assert f"năm {year}" in text
    assert "Wrote 8 files" in output
    assert "1 published, 7 drafts" in output


def test_published_documents_are_the_archived_bytes_the_rest_drafts(blocs, tmp_path):
    _made, publication = blocs
    target = tmp_path / "out"
    _run("--year", "2023", "--bloc", "TN-T", "--out", str(target))
    assert sorted(p.name for p in target.iterdir()) == [
        "TN-T-2023-minutes-draft.pdf",
        "TN-T-2023-nomination-draft.pdf",
        "TN-T-2023-pledge-draft.pdf",
        "TN-T-2023-summary-v1.pdf",
    ]
    published = (target / "TN-T-2023-summary-v1.pdf").read_bytes()
    assert hashlib.sha256(published).hexdigest() == publication.sha256
    assert publication.code in pdf_text(published)
    assert not watermarked(published)
    for kind in ("pledge", "minutes", "nomination"):
        assert watermarked((target / f"TN-T-2023-{kind}-draft.pdf").read_bytes())


def test_latest_version_of_a_document_published_twice(blocs, tmp_path):
    made, _first = blocs
    second = services.document_publish(
        bloc_year=made["TN-T"], kind="summary", actor=factories.user(superuser=True)
    )
    target = tmp_path / "out"
    _run("--year", "2023", "--bloc", "TN-T", "--out", str(target))
    written = (target / "TN-T-2023-summary-v2.pdf").read_bytes()
    assert hashlib.sha256(written).hexdigest() == second.sha256
    assert not (target / "TN-T-2023-summary-v1.pdf").exists()


def test_draft_option_renders_published_documents_as_drafts_too(blocs, tmp_path):
    target = tmp_path / "out"
    output = _run("--year", "2023", "--bloc", "TN-T", "--out", str(target), "--draft")
    names = sorted(p.name for p in target.iterdir())
    assert names == [f"TN-T-2023-{kind}-draft.pdf" for kind in sorted(KINDS)]
    assert watermarked((target / "TN-T-2023-summary-draft.pdf").read_bytes())
    assert "0 published, 4 drafts" in output


def test_bloc_names_become_ascii_file_names(blocs, tmp_path):
    target = tmp_path / "out"
    output = _run("--year", "2023", "--bloc", "ĐBSH-T", "--out", str(target))
    assert sorted(p.name for p in target.iterdir()) == [
        f"DBSH-T-2023-{kind}-draft.pdf" for kind in sorted(KINDS)
    ]
    assert "[1/4] ĐBSH-T 2023 pledge → " in output


def test_missing_folders_are_created(blocs, tmp_path):
    target = tmp_path / "a" / "b"
    _run("--year", "2022", "--out", str(target))
    assert len(list(target.glob("TN-T-2022-*-draft.pdf"))) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2023", "--bloc", "NOPE"], "Unknown bloc “NOPE”"),
        (["--year", "2031"], "No bloc has a year 2031"),
        (["--year", "2022", "--bloc", "ĐBSH-T"], "ĐBSH-T has no year 2022"),
    ],
)
def test_clear_errors_and_nothing_written(blocs, tmp_path, args, message):
    target = tmp_path / "out"
    with pytest.raises(CommandError, match=message):
        _run(*args, "--out", str(target))
    assert not target.exists() or not any(target.iterdir())


def test_unknown_bloc_error_lists_the_known_ones(blocs, tmp_path):
    with pytest.raises(CommandError, match=r"Known short names: .*TN-T"):
        _run("--year", "2023", "--bloc", "tn-t", "--out", str(tmp_path))


def test_unwritable_folder_is_refused_before_rendering(blocs, tmp_path):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    with pytest.raises(CommandError, match="Cannot create the folder"):
        _run("--year", "2023", "--out", str(a_file / "out"))
    with pytest.raises(CommandError, match="Cannot create the folder"):
        _run("--year", "2023", "--out", str(a_file))
