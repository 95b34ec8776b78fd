from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("mediation.intake.urls")),
    path("staff/", include("mediation.accounts.urls")),
    path("cases/", include("mediation.cases.urls")),
    path("assignment/", include("mediation.assignment.urls")),
    path("calendar/", include("mediation.cases.calendar_urls")),
    path("break-glass/", include("mediation.cases.break_glass_urls")),
    path("audit/log/", include("mediation.cases.log_review_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
