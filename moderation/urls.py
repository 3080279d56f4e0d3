from django.urls import path

from .views import flags

app_name = "moderation"

# One section per area; every page under mod/ requires a facilitator or admin with MFA.
urlpatterns = [
    path("p/<int:post_id>/flag/", flags.flag_create, name="flag_create"),
]
