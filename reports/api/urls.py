from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from reports.api import views

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("blocs", views.BlocViewSet, basename="bloc")
router.register("boards", views.BoardViewSet, basename="board")
router.register("bloc-years", views.BlocYearViewSet, basename="bloc-year")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("documents", views.DocumentViewSet, basename="document")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="docs",
    ),
    path("verify/", views.VerifyView.as_view(), name="verify"),
    *router.urls,
]
