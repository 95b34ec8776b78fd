from django.urls import path

from mediation.cases import break_glass_views

app_name = "break_glass"

urlpatterns = [
    path("", break_glass_views.break_glass, name="open"),
    path("review/", break_glass_views.break_glass_review_list, name="review"),
    path("review/<str:access_id>/", break_glass_views.break_glass_decide, name="decide"),
]
