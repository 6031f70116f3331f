from django.urls import path

from blocs import views

app_name = "blocs"

urlpatterns = [
    path("board/", views.board_page, name="board"),
    path("overview/", views.overview, name="overview"),
]
