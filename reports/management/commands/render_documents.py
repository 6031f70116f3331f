"""Batch rendering of a year's documents into a folder (see ``help``)."""

import unicodedata
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from blocs.models import Bloc, BlocYear
from reports import documents
from reports.models import Publication

KINDS = [k.value for k in Publication.Kind]


def ascii_name(text: str) -> str:
    """A file-name-safe ASCII form of a bloc's short name: ĐBSH → DBSH."""
    text = text.replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text) or "bloc"


class Command(BaseCommand):
    help = (
        "Write the four year-end documents (pledge, summary report, minutes of "
        "the vote, nomination submission) of every bloc-year of YEAR, or of one "
        "bloc's, into DIR as PDF files, with a progress line per file. "
        "A document that has been published is written as its latest published "
        "version, byte for byte from the archive (BLOC-YEAR-KIND-vN.pdf): that "
        "copy is the one that counts, it carries its verification code, and its "
        "SHA-256 matches the one the verification page knows; rendering it again "
        "would give a file that matches nothing. A document not published yet is "
        "rendered now as a draft (BLOC-YEAR-KIND-draft.pdf), marked DỰ THẢO on "
        "every page, because its content may still change. With --draft every "
        "document is rendered now as a draft, published or not (to preview a "
        "change of template or data). Existing files of the same name are "
        "replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="e.g. 2023")
        parser.add_argument(
            "--bloc",
            metavar="SHORT_NAME",
            help="only this bloc (its short name, e.g. TN-DHMT)",
        )
        parser.add_argument(
            "--out", metavar="DIR", required=True, help="folder to write into"
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="render every document as a new draft, even published ones",
        )

    def handle(self, *args, year, bloc, out, draft, **options):
        bloc_years = self._bloc_years(year, bloc)
        folder = self._folder(out)
        jobs = [(by, kind) for by in bloc_years for kind in KINDS]
        latest = self._latest_publications(bloc_years) if not draft else {}
        written = published = 0
        for n, (bloc_year, kind) in enumerate(jobs, start=1):
            base = f"{ascii_name(bloc_year.bloc.short_name)}-{bloc_year.year}-{kind}"
            publication = latest.get((bloc_year.pk, kind))
            if publication is not None:
                path = folder / f"{base}-v{publication.version}.pdf"
                with publication.file.open("rb") as f:
                    content = f.read()
                published += 1
            else:
                path = folder / f"{base}-draft.pdf"
                content = documents.render(kind, bloc_year, draft=True)
            try:
                path.write_bytes(content)
            except OSError as error:
                raise CommandError(f"Cannot write {path}: {error}") from error
            written += 1
            size = max(1, round(len(content) / 1024))
            self.stdout.write(
                f"[{n}/{len(jobs)}] {bloc_year.bloc.short_name} {bloc_year.year} "
                f"{kind} → {path} ({size} KB)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {written} files to {folder}: {published} published, "
                f"{written - published} drafts."
            )
        )

    def _bloc_years(self, year: int, short_name: str | None) -> list[BlocYear]:
        bloc_years = BlocYear.objects.filter(year=year).select_related(
            "bloc__ministry", "host"
        )
        if short_name is not None:
            bloc = Bloc.objects.filter(short_name=short_name).first()
            if bloc is None:
                known = ", ".join(
                    Bloc.objects.order_by("short_name").values_list(
                        "short_name", flat=True
                    )
                )
                raise CommandError(
                    f"Unknown bloc “{short_name}”. Known short names: {known or '—'}."
                )
            bloc_years = bloc_years.filter(bloc=bloc)
            if not bloc_years.exists():
                years = ", ".join(
                    str(y)
                    for y in bloc.years.order_by("year").values_list("year", flat=True)
                )
                raise CommandError(
                    f"{bloc.short_name} has no year {year} "
                    f"(its years: {years or 'none'})."
                )
        bloc_years = list(bloc_years.order_by("bloc__short_name"))
        if not bloc_years:
            raise CommandError(f"No bloc has a year {year}: nothing to render.")
        return bloc_years

    def _folder(self, out: str) -> Path:
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot create the folder {folder}: {error}") from error
        probe = folder / ".render_documents_probe"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise CommandError(f"Cannot write into {folder}: {error}") from error
        return folder

    def _latest_publications(
        self, bloc_years: list[BlocYear]
    ) -> dict[tuple[int, str], Publication]:
        latest = (
            Publication.objects.filter(bloc_year__in=bloc_years)
            .values("bloc_year_id", "kind")
            .annotate(version=Max("version"))
        )
        wanted = {(r["bloc_year_id"], r["kind"], r["version"]) for r in latest}
        return {
            (p.bloc_year_id, p.kind): p
            for p in Publication.objects.filter(bloc_year__in=bloc_years)
            if (p.bloc_year_id, p.kind, p.version) in wanted
        }
