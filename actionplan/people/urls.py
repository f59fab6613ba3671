"""URLs of the owners register: people, groups and units of an organisation."""

from django.urls import path

from actionplan.people import views

urlpatterns = [
    path("organisations/<slug:slug>/people/", views.people_register, name="people_register"),
    path("organisations/<slug:slug>/people/add/", views.owner_add, name="owner_add"),
    path("people/<int:pk>/edit/", views.owner_edit, name="owner_edit"),
    path("people/<int:pk>/merge/", views.owner_merge, name="owner_merge"),
    path("people/<int:pk>/leave/", views.owner_leave, name="owner_leave"),
    path("organisations/<slug:slug>/units/add/", views.unit_add, name="unit_add"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
]
