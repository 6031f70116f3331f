"""How the documents write dates, numbers, document numbers and places
(Decree 30/2020/NĐ-CP)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from blocs.models import Bloc
from blocs.templatetags.vn import num

# Sequence and type abbreviation of each document's number (Decree 30).
NUMBERS = {"pledge": (1, "GU"), "summary": (2, "BC"), "minutes": (3, "BB")}
NUMBERS["nomination"] = (4, "TTr")

PROVINCE_PREFIXES = ("thành phố ", "tp. ", "tp ", "tỉnh ")


def date_line(place: str, day: dt.date) -> str:
    """“Quảng Ngãi, ngày 28 tháng 12 năm 2023”: a leading zero for days under
    10 and for January and February (Decree 30/2020/NĐ-CP)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text.capitalize()


def short_date(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def percent(value: Decimal | None) -> str:
    return "—" if value is None else num(value)


def doc_number(kind: str, bloc: Bloc, number: int | None = None) -> str:
    """“15/BC-KTĐ”, a leading zero under 10 (Decree 30); without a number
    from the register yet, a blank for it."""
    _sequence, abbreviation = NUMBERS[kind]
    shown = f"{number:02d}" if number else "\u2003\u2003"
    return f"{shown}/{abbreviation}-{_unit(bloc)[2]}"


def _unit(bloc: Bloc) -> tuple[str, str, str]:
    """(“khối”, “Khối trưởng”, “KTĐ”) or the cluster's words."""
    if bloc.kind == Bloc.Kind.CLUSTER:
        return "cụm", "Cụm trưởng", "CTĐ"
    return "khối", "Khối trưởng", "KTĐ"


def _province(text: str) -> str:
    """The province of a place: “Khách sạn X, tỉnh Quảng Ngãi” → “Quảng Ngãi”."""
    text = text.rsplit(",", 1)[-1].strip()
    for prefix in PROVINCE_PREFIXES:
        if text.lower().startswith(prefix):
            return text[len(prefix) :].strip()
    return text
