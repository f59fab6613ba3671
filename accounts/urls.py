"""URLs of logins: organisations, logins and roles, invitations, password reset, single
sign-on (allauth's OpenID Connect views, one provider per organisation)."""

from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import logins, organisations, sign_in

urlpatterns = [
    path("site/organisations/", organisations.organisation_list, name="organisation_list"),
    path("site/organisations/add/", organisations.organisation_add, name="organisation_add"),
    path("organisations/<slug:slug>/logins/", logins.organisation_admin, name="organisation_admin"),
    path("organisations/<slug:slug>/logins/invite/", logins.invite, name="invite"),
    path("organisations/<slug:slug>/logins/<int:pk>/", logins.login_roles, name="login_roles"),
    path(
        "organisations/<slug:slug>/invitations/<int:pk>/send-again/",
        logins.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "organisations/<slug:slug>/invitations/<int:pk>/withdraw/",
        logins.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(
        "organisations/<slug:slug>/logins/<int:pk>/deactivate/",
        logins.login_deactivate,
        name="login_deactivate",
    ),
    path("organisations/<slug:slug>/sign-in/", logins.sign_in_settings, name="sign_in_settings"),
    path("invitations/<str:token>/", sign_in.invitation_accept, name="invitation_accept"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # allauth's OpenID Connect views under its own URL names (its provider reverses them).
    path("sign-in/oidc/<str:provider_id>/login/", sign_in.oidc_login, name="openid_connect_login"),
    path(
        "sign-in/oidc/<str:provider_id>/login/callback/",
        oidc_views.callback,
        name="openid_connect_callback",
    ),
]
