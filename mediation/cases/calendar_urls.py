from django.urls import path

from mediation.cases import calendar_views

app_name = "calendar"

urlpatterns = [
    path("", calendar_views.my_sessions, name="mine"),
    path("feed/new/", calendar_views.feed_create, name="feed_create"),
    path("feed/revoke/", calendar_views.feed_revoke, name="feed_revoke"),
    path("feed/<str:token>.ics", calendar_views.feed, name="feed"),
]
