from django.urls import path

from blocs.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("notices/read/", views.notices_read, name="read"),
    path("notices/<int:pk>/open/", views.notice_open, name="open"),
    path("notices/settings/", views.preferences, name="preferences"),
]
