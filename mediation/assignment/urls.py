from django.urls import path

from mediation.assignment import views

app_name = "assignment"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/<str:reference>/", views.case_assignment, name="case"),
    path("cases/<str:reference>/assign/", views.case_assign, name="assign"),
    path("cases/<str:reference>/unassign/", views.case_unassign, name="unassign"),
    path("cases/<str:reference>/objection/", views.case_objection, name="objection"),
    path("cases/<str:reference>/mark-assigned/", views.case_mark_assigned, name="mark_assigned"),
    path("mediators/", views.mediator_list, name="mediators"),
    path("mediators/<int:mediator_id>/profile/", views.mediator_profile, name="profile"),
    path("mediators/<int:mediator_id>/deactivate/", views.mediator_deactivate, name="deactivate"),
    path("profile/", views.own_profile, name="own_profile"),
    path("declarations/", views.declarations, name="declarations"),
    path("declarations/remove/", views.declaration_remove, name="declaration_remove"),
    path("declarations/clear/", views.declarations_clear, name="declarations_clear"),
]
