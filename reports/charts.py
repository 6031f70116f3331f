"""Charts drawn as plain SVG on the server: the same picture in a web page and
in a PDF (WeasyPrint renders inline SVG), with no JavaScript.

Every label is escaped: board and bloc names are typed by users.
"""

from decimal import Decimal
from html import escape

from django.utils.translation import gettext as _

from blocs.templatetags.vn import num

FONT = 'font-family="Liberation Serif, Times New Roman, serif" font-size="11"'
# Greys first (they print well in black and white), then muted colours.
PALETTE = [
    "#4d4d4d",
    "#a6a6a6",
    "#a4161a",
    "#5b7fa3",
    "#2e7d32",
    "#d08a00",
    "#6a4c93",
    "#1d7874",
]


ABOVE, BELOW = "#4d4d4d", "#a6a6a6"


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else num(value)


def bar_chart_svg(rows: list[tuple[str, Decimal | None]]) -> str:
    """Horizontal bars of % of plan per board, with a dashed line at 100%
    and a legend; drawn here as plain SVG (WeasyPrint renders it inline, no
    script needed). The figures stand in their own column right of the bars,
    so the 100% line never crosses one (Decree 30 asks for legible copies)."""
    label_w, bar_w, value_w, row_h, top = 130, 300, 60, 18, 16
    width = label_w + bar_w + value_w
    legend_top = top + row_h * len(rows) + 8
    height = legend_top + 16
    largest = max([Decimal(100), *(p for _, p in rows if p is not None)])
    scale = Decimal(bar_w) / largest
    x100 = label_w + float(100 * scale)
    figures_x = label_w + bar_w + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">',
        f'<text x="{x100:.1f}" y="10" text-anchor="middle" {FONT}>100%</text>',
        # The 100% line first, so that the bars are drawn over it.
        f'<line x1="{x100:.1f}" y1="{top - 2}" x2="{x100:.1f}" '
        f'y2="{legend_top - 4}" stroke="#000" stroke-width="0.8" '
        'stroke-dasharray="3,2"/>',
    ]
    for n, (label, share) in enumerate(rows):
        y = top + n * row_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end" {FONT}>'
            f"{escape(label)}</text>"
        )
        if share is None:
            parts.append(f'<text x="{figures_x}" y="{y + 12}" {FONT}>—</text>')
            continue
        length = float(max(share, Decimal(0)) * scale)
        fill = ABOVE if share >= 100 else BELOW
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" '
            f'height="{row_h - 6}" fill="{fill}"/>'
        )
        parts.append(
            f'<text x="{figures_x}" y="{y + 12}" {FONT}>'
            f"{escape(_percent(share))}%</text>"
        )
    legend = [
        (
            f'<rect x="{{x}}" y="{legend_top}" width="10" height="10" fill="{ABOVE}"/>',
            _("at or above plan"),
        ),
        (
            f'<rect x="{{x}}" y="{legend_top}" width="10" height="10" fill="{BELOW}"/>',
            _("below plan"),
        ),
        (
            f'<line x1="{{x}}" y1="{legend_top + 5}" x2="{{x10}}" '
            f'y2="{legend_top + 5}" stroke="#000" stroke-width="0.8" '
            'stroke-dasharray="3,2"/>',
            "100% " + _("of the plan"),
        ),
    ]
    x = label_w
    for mark, text in legend:
        parts.append(mark.format(x=x, x10=x + 10))
        parts.append(
            f'<text x="{x + 14}" y="{legend_top + 9}" {FONT}>{escape(str(text))}</text>'
        )
        x += 120
    parts.append("</svg>")
    return "".join(parts)


def years_chart_svg(
    years: list[int], series: list[tuple[str, dict[int, Decimal | None]]]
) -> str:
    """Totals over the years: for each year a group of vertical bars, one per
    series (a bloc), with a legend below. ``series`` is [(label, {year:
    total})]; a missing total draws no bar. Empty input gives ""."""
    if not years or not series:
        return ""
    left, top, plot_h, bar_w, gap, legend_row = 70, 16, 180, 14, 18, 16
    group_w = bar_w * len(series) + gap
    plot_w = group_w * len(years)
    width = max(left + plot_w + 10, 320)
    legend_top = top + plot_h + 26
    height = legend_top + legend_row * len(series) + 4
    values = [v for _, totals in series for v in totals.values() if v is not None]
    largest = max([Decimal(0), *values])
    scale = Decimal(plot_h) / largest if largest > 0 else Decimal(0)
    base = top + plot_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">',
        # Axis and the largest value, so the scale can be read.
        f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" '
        'stroke="#000" stroke-width="0.8"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" '
        'stroke="#000" stroke-width="0.8"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" {FONT}>'
        f"{escape(num(largest))}</text>",
        f'<text x="{left - 4}" y="{base}" text-anchor="end" {FONT}>0</text>',
    ]
    for g, year in enumerate(years):
        x0 = left + g * group_w + gap / 2
        for s, (label, totals) in enumerate(series):
            total = totals.get(year)
            if total is None:
                continue
            h = float(max(total, Decimal(0)) * scale)
            x = x0 + s * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w - 2}" '
                f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(label)} {year}: {escape(num(total))}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + (group_w - gap) / 2:.1f}" y="{base + 14}" '
            f'text-anchor="middle" {FONT}>{year}</text>'
        )
    for s, (label, _totals) in enumerate(series):
        y = legend_top + s * legend_row
        parts.append(
            f'<rect x="{left}" y="{y}" width="10" height="10" '
            f'fill="{PALETTE[s % len(PALETTE)]}"/>'
        )
        parts.append(f'<text x="{left + 16}" y="{y + 9}" {FONT}>{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
