from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path(
        "submissions/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"
    ),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("pledges/<int:pk>/", views.pledge_detail, name="pledge"),
]
