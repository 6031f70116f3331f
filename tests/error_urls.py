"""The project's URLs plus one view that fails, for tests/test_errors.py."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

SECRET_DETAIL = "failure detail /srv/secret/path.py"


def fail(request):
    raise RuntimeError(SECRET_DETAIL)


urlpatterns = [path("test-failure/", fail), *project_urlpatterns]
