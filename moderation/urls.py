from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("p/<int:post_id>/flag/", views.flag_create, name="flag_create"),
]
