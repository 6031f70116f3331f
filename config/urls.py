from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from blocs import views as bloc_views
from blocs.forms import AdminLoginForm, LoginForm, ThrottledPasswordResetForm
from config import views as config_views

# The admin's login counts failures and says when it is paused, like the site's.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", bloc_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/two-factor/", bloc_views.two_factor_setup, name="two_factor"),
    path(
        "accounts/two-factor/verify/",
        bloc_views.two_factor_verify,
        name="two_factor_verify",
    ),
    path("healthz", config_views.healthz, name="healthz"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_reset/",
        bloc_views.PasswordResetView.as_view(form_class=ThrottledPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("blocs.urls")),
    path("", include("blocs.notifications.urls")),
    path("", include("pledges.urls")),
    path("", include("scoring.urls")),
    path("", include("reports.urls")),
    path("api/", include("reports.api.urls")),
    path("admin/", admin.site.urls),
]
