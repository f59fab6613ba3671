"""The site's URLs. Each area of the plan has its own module in this package."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import sign_in
from actionplan.views import pages

admin.site.site_header = "Actionplan administration"
admin.site.site_title = "Actionplan"
admin.site.index_title = "Plan administration"

urlpatterns = [
    path("", pages.home, name="home"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("accounts/login/", sign_in.sign_in, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(extra_context={"nav_section": "account"}),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("actionplan.urls.dashboard")),
    path("", include("actionplan.urls.browse")),
    path("", include("actionplan.urls.actions")),
    path("", include("actionplan.urls.structure")),
    path("", include("actionplan.urls.rounds")),
    path("", include("actionplan.urls.reports")),
    path("", include("actionplan.urls.report_jobs")),
    path("", include("standards.cse.urls")),
    path("", include("consultation.urls")),
    path("", include("standards.urls")),
    path("", include("actionplan.urls.importing")),
    path("", include("actionplan.urls.plans")),
    path("", include("actionplan.people.urls")),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
