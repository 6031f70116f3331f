from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from blocs import views as bloc_views

urlpatterns = [
    path("", bloc_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("blocs.urls")),
    path("", include("pledges.urls")),
    path("", include("scoring.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
]
