"""The four year-end documents: a plain context per document, then a PDF.

Each ``build_<kind>(bloc_year)`` returns ordered, totalled and formatted
strings ready to print (Vietnamese numbers: 2.470,7; percentages to two
decimals without trailing zeros: 242,97). The documents are Vietnamese only,
as administrative documents are, so their text lives in the templates.
"""

from reports.charts import bar_chart_svg
from reports.documents.formatting import (
    NUMBERS,
    PROVINCE_PREFIXES,
    date_line,
    doc_number,
    percent,
    short_date,
)
from reports.documents.minutes import build_minutes
from reports.documents.nomination import build_nomination
from reports.documents.pledge import build_pledge
from reports.documents.reads import (
    AWARD_KINDS,
    FALLBACK_COUNT,
    MAIN_CODES,
    vn_key,
)
from reports.documents.rendering import (
    DOCUMENTS,
    context,
    render,
    render_context,
    render_preview,
)
from reports.documents.summary import board_charts, build_summary

__all__ = [
    "AWARD_KINDS",
    "DOCUMENTS",
    "FALLBACK_COUNT",
    "MAIN_CODES",
    "NUMBERS",
    "PROVINCE_PREFIXES",
    "bar_chart_svg",
    "board_charts",
    "build_minutes",
    "build_nomination",
    "build_pledge",
    "build_summary",
    "context",
    "date_line",
    "doc_number",
    "percent",
    "render",
    "render_context",
    "render_preview",
    "short_date",
    "vn_key",
]
