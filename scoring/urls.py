from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("scores/<int:pk>/", views.score_detail, name="score"),
    path("years/<int:pk>/ranking/", views.ranking, name="ranking"),
    path(
        "years/<int:pk>/self-assessment/",
        views.self_assessment,
        name="self_assessment",
    ),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
]
