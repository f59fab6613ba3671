"""Signing in: the sign-in page (with each organisation's single sign-on), and accepting an
invitation by setting a password."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import services
from accounts.oidc import logger, provider_configs


def _forms_may_go_to_providers(response: HttpResponse, configs) -> HttpResponse:
    """The sign-on form posts here and is redirected to the provider: the page's
    Content-Security-Policy (form-action 'self') must allow the providers' origins too, or
    browsers stop the redirect."""
    origins = sorted(
        {f"{urlsplit(c.issuer).scheme}://{urlsplit(c.issuer).netloc}" for c in configs}
    )
    if origins:
        response._csp_update = {"form-action": origins}
    return response


def sign_in(request: HttpRequest) -> HttpResponse:
    """Django's sign-in page; at an organisation's own sign-in address
    (`?organisation=<slug>`, which it gives its staff) with "Sign in with <council>" too. The
    page never lists the organisations of the deployment."""
    wanted = request.GET.get("organisation", "")
    configs = [c for c in provider_configs() if wanted and c.slug == wanted]
    view = auth_views.LoginView.as_view(extra_context={"sign_in_providers": configs})
    return _forms_may_go_to_providers(view(request), configs)


def oidc_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's start of a single sign-on (a POST redirects to the provider; a GET shows a
    button that posts), with the provider allowed as a form target."""
    configs = [c for c in provider_configs() if c.slug == provider_id]
    try:
        response = oidc_views.login(request, provider_id)
    except requests.RequestException as error:
        logger.warning("Single sign-on for %s: provider unreachable (%r)", provider_id, error)
        context = {
            "organisation_name": configs[0].name if configs else provider_id,
            "reason": "Your organisation's sign-in service cannot be reached just now. Try "
            "again in a few minutes, or sign in with your username and password.",
        }
        response = render(request, "accounts/sign_in_refused.html", context, status=502)
    return _forms_may_go_to_providers(response, configs)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Set a password from an invitation link: once, within 7 days, not while signed in as
    someone else. Accepting links the login to its owner record and gives its roles."""
    lookup = services.invitation_for_token(token)
    invitation = lookup.invitation
    if invitation is None:
        return render(request, "accounts/invitation_refused.html", {"reason": lookup.problem})
    if request.user.is_authenticated:
        reason = (
            f"You are signed in as {request.user.get_username()}, and this invitation is for "
            "someone else. If it is yours, sign out first, then open the link again."
        )
        return render(request, "accounts/invitation_refused.html", {"reason": reason})
    username = services.username_for(invitation.email)
    first, _, last = invitation.name.partition(" ")
    candidate = get_user_model()(
        username=username, email=invitation.email, first_name=first, last_name=last
    )
    form = SetPasswordForm(candidate, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["new_password1"],
                username=username,
            )
        except ValidationError as error:
            return render(
                request, "accounts/invitation_refused.html", {"reason": " ".join(error.messages)}
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, f"Welcome. Your username is {user.get_username()}; your password is set."
        )
        return redirect("home")
    context = {"invitation": invitation, "form": form, "username": username}
    return render(request, "accounts/invitation_accept.html", context)
