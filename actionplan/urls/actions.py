"""URLs for an action's page and the changes made from it."""

from django.urls import path

from actionplan.views import actions

urlpatterns = [
    path("actions/<int:pk>/", actions.action_detail, name="action_detail"),
    path("actions/<int:pk>/progress/", actions.action_progress, name="action_progress"),
    path("actions/<int:pk>/no-change/", actions.action_no_change, name="action_no_change"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/retire/", actions.action_retire, name="action_retire"),
    path("actions/<int:pk>/revert/<int:history_id>/", actions.action_revert, name="action_revert"),
]
