"""CSV as a second format of the totals (``?format=csv``)."""

import csv
import io

from rest_framework import renderers

from pledges.importexport import cell_escape


class TotalsCSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    columns = ["code", "name", "unit", "plan", "actual", "percent", "reported"]

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        writer = csv.writer(out)
        if isinstance(data, dict) and "rows" in data:
            writer.writerow(self.columns)
            for row in data["rows"]:
                writer.writerow([_cell(row.get(c)) for c in self.columns])
        else:  # an error: its fields and messages, one per line
            for key, value in (data or {}).items():
                writer.writerow([key, value])
        # A byte-order mark so that spreadsheet software reads UTF-8.
        return ("\ufeff" + out.getvalue()).encode(self.charset)


def _cell(value) -> str:
    if value is None:
        return ""
    # Text is escaped so that a spreadsheet never runs it as a formula.
    return cell_escape(value) if isinstance(value, str) else str(value)
