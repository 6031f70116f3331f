"""The portal's URLs plus a trivial view, the yardstick of the load test: the
same server, middleware and logged-in session as the pages (the session and
the user are read, as every page reads them), but no work of its own."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as portal_urlpatterns


@login_required
def trivial(request):
    return HttpResponse(request.user.get_username(), content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial")]
urlpatterns += portal_urlpatterns
