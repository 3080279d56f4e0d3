from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from moderation.views.guidelines import site_guidelines

from .views import bench_hello, bench_one_query

admin.site.site_header = "Haven administration"
admin.site.site_title = "Haven admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("guidelines/", site_guidelines, name="guidelines"),
    path("", include("accounts.urls")),
    path("", include("moderation.urls")),
    path("", include("groups.urls")),
]

if settings.HAVEN_BENCH_VIEWS:
    urlpatterns += [
        path("bench/hello/", bench_hello),
        path("bench/one-query/", bench_one_query),
    ]

handler400 = "supportforum.views.bad_request"
handler404 = "supportforum.views.not_found"
handler403 = "supportforum.views.forbidden"
handler500 = "supportforum.views.server_error"
# allauth answers its own rate limits through this (allauth.core.internal.ratelimit).
handler429 = "supportforum.ratelimits.account_too_many_requests"
