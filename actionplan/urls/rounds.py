"""URLs for update rounds before meetings, and each owner's My actions page."""

from django.urls import path

from actionplan.views import rounds

urlpatterns = [
    path("my-actions/", rounds.my_actions, name="my_actions"),
    path("plans/<slug:slug>/rounds/", rounds.round_list, name="round_list"),
    path("plans/<slug:slug>/rounds/open/", rounds.round_open, name="round_open"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
]
