from django.urls import path

from scoring.views import assessment, scores, voting

app_name = "scoring"

urlpatterns = [
    path("scores/<int:pk>/", scores.score_detail, name="score"),
    path("years/<int:pk>/ranking/", scores.ranking, name="ranking"),
    path(
        "years/<int:pk>/self-assessment/",
        assessment.self_assessment,
        name="self_assessment",
    ),
    path("rounds/<int:pk>/", voting.round_detail, name="round"),
]
