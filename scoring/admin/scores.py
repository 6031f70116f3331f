"""Computed scores: read-only, each with its explanation line by line."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from blocs.admin import BlocYearFilter, ScopedAdmin
from blocs.templatetags.vn import num
from scoring import permissions
from scoring.models import Score

# The rule codes of scoring/rules.py, as the secretariat reads them.
RULES = {
    "plan_met": _("Plan met"),
    "plan_short": _("Short of plan"),
    "no_figure": _("No approved figure"),
    "no_plan_vs_best": _("No plan: compared with the best board"),
    "no_plan_no_best": _("No plan and no figure to compare with"),
    "done": _("Done"),
    "not_done": _("Not done"),
    "not_assessed": _("Not assessed yet"),
    "assessed_bloc": _("Assessed by the bloc"),
    "assessed_self": _("Self-assessment (provisional)"),
    "sum": _("Sum of the group"),
}


def _number(value) -> str:
    return "—" if value in (None, "") else num(value)


@admin.register(Score)
class ScoreAdmin(ScopedAdmin):
    scope = staticmethod(permissions.scores_visible_to)
    list_display = ["rank", "board", "total", "bloc_year", "computed_at"]
    list_display_links = ["board"]
    list_filter = [("bloc_year", BlocYearFilter)]
    search_fields = ["board__name", "board__short_name"]
    list_select_related = ["board", "bloc_year__bloc"]
    ordering = ["bloc_year", "rank", "board__short_name"]
    fields = ["bloc_year", "board", "rank", "total", "computed_at", "explanation"]
    readonly_fields = fields

    @admin.display(description=_("explanation"))
    def explanation(self, obj):
        head = format_html_join(
            "",
            '<th scope="col">{}</th>',
            (
                (label,)
                for label in (
                    _("Code"),
                    _("Criterion"),
                    _("Maximum"),
                    _("Figure"),
                    _("Plan"),
                    _("Share of plan"),
                    _("Rule"),
                    _("Points"),
                    _("Comment"),
                )
            ),
        )
        rows = format_html_join(
            "",
            '<tr{}><th scope="row">{}</th><td>{}</td><td class="num">{}</td>'
            '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
            '<td>{}</td><td class="num">{}</td><td>{}</td></tr>',
            (
                (
                    format_html(' style="{}"', "font-weight:bold")
                    if line.get("kind") == "group"
                    else "",
                    line.get("code", ""),
                    line.get("name", ""),
                    _number(line.get("max")),
                    _number(line.get("figure")),
                    _number(line.get("plan")),
                    _number(line.get("percent")),
                    RULES.get(line.get("rule"), line.get("rule") or "—"),
                    _number(line.get("points")),
                    line.get("comment") or "",
                )
                for line in obj.lines
            ),
        )
        return format_html(
            '<table class="score-lines"><thead><tr>{}</tr></thead>'
            "<tbody>{}</tbody>"
            '<tfoot><tr><th colspan="7" scope="row">{}</th>'
            '<td class="num"><strong>{}</strong></td><td></td></tr></tfoot></table>',
            head,
            rows,
            _("Total"),
            _number(obj.total),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Scores are computed by scores_compute, never typed.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
