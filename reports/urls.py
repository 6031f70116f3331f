from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("ministry/", views.overview, name="overview"),
    path("ministry/compare/", views.compare, name="compare"),
    path("verify/", views.verify, name="verify"),
    path("documents/<int:pk>/", views.download, name="download"),
    path("years/<int:pk>/documents/", views.year_documents, name="year_documents"),
    path("years/<int:pk>/documents/<str:kind>/draft/", views.draft, name="draft"),
    path("years/<int:pk>/documents/<str:kind>/preview/", views.preview, name="preview"),
    path("years/<int:pk>/documents/<str:kind>/publish/", views.publish, name="publish"),
]
