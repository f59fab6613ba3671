"""URLs of the standards register, performance entry and the public standards page."""

from django.urls import path

from standards.views import performance, public, register

urlpatterns = [
    path("standards/", register.standards_home, name="standards_home"),
    path("organisations/<slug:org>/standards/", register.standard_list, name="standard_list"),
    path("organisations/<slug:org>/standards/add/", register.standard_add, name="standard_add"),
    path("standards/<int:pk>/", register.standard_detail, name="standard_detail"),
    path("standards/<int:pk>/edit/", register.standard_edit, name="standard_edit"),
    path("standards/<int:pk>/revise/", register.standard_revise, name="standard_revise"),
    path(
        "standards/<int:pk>/actions/add/",
        register.standard_action_add,
        name="standard_action_add",
    ),
    path(
        "standards/links/<int:pk>/remove/",
        register.standard_action_remove,
        name="standard_action_remove",
    ),
    path(
        "organisations/<slug:org>/standards/performance/",
        performance.performance_enter,
        name="performance_enter",
    ),
    path(
        "organisations/<slug:org>/standards/upload/",
        performance.performance_upload,
        name="performance_upload",
    ),
    path(
        "organisations/<slug:org>/standards/upload/template.csv",
        performance.performance_template,
        name="performance_template",
    ),
    path("our-standards/", public.standards_public_index, name="standards_public_index"),
    path("public/<slug:org>/standards/", public.standards_public, name="standards_public"),
]
