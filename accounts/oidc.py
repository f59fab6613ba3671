"""Single sign-on with each organisation's own identity provider (OpenID Connect).

django-allauth runs the protocol (authorization code flow, state, token exchange, id token
signature, issuer and audience checks). This module adds what a council needs:
- one provider per organisation, from the database (SignInProvider) or the environment
  (ACTIONPLAN_OIDC_PROVIDERS), addressed by the organisation's slug;
- a nonce in every authorization request, checked against the id token (allauth's generic
  OpenID Connect provider sends none);
- who may sign in: a verified e-mail address at one of the organisation's domains that
  belongs to a login of the organisation or to an open invitation (or, if the organisation
  opts in, anyone from its domains joins as a viewer). Every refusal is logged.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.shortcuts import render

from accounts import services
from accounts.models import SignInProvider
from actionplan.models import Organisation

logger = logging.getLogger("actionplan.sign_in")
PROVIDER = "openid_connect"


@dataclass(frozen=True)
class ProviderConfig:
    """One organisation's identity provider, however it was configured."""

    organisation_id: int
    slug: str
    name: str
    issuer: str
    client_id: str
    client_secret: str
    domains: tuple[str, ...]
    anyone_from_domains_joins: bool

    def allows(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.domains

    def social_app(self) -> SocialApp:
        return SocialApp(
            provider=PROVIDER,
            provider_id=self.slug,
            name=self.name,
            client_id=self.client_id,
            secret=self.client_secret,
            settings={"server_url": self.issuer, "organisation_id": self.organisation_id},
        )


def _from_environment() -> list[dict]:
    try:
        entries = json.loads(settings.ACTIONPLAN_OIDC_PROVIDERS or "[]")
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(
            f"ACTIONPLAN_OIDC_PROVIDERS is not valid JSON: {error}"
        ) from None
    if not isinstance(entries, list):
        raise ImproperlyConfigured("ACTIONPLAN_OIDC_PROVIDERS must be a JSON list.")
    return entries


def provider_configs() -> list[ProviderConfig]:
    """Every organisation's provider: the product's settings, then the environment's."""
    configs = {
        p.organisation.slug: ProviderConfig(
            organisation_id=p.organisation_id,
            slug=p.organisation.slug,
            name=p.organisation.name,
            issuer=p.issuer,
            client_id=p.client_id,
            client_secret=p.client_secret,
            domains=tuple(p.domains()),
            anyone_from_domains_joins=p.anyone_from_domains_joins,
        )
        for p in SignInProvider.objects.filter(is_enabled=True).select_related("organisation")
    }
    entries = [e for e in _from_environment() if e.get("organisation") not in configs]
    organisations = Organisation.objects.in_bulk(
        [e.get("organisation") for e in entries], field_name="slug"
    )
    for entry in entries:
        organisation = organisations.get(entry.get("organisation"))
        if organisation is None:
            continue
        configs[organisation.slug] = ProviderConfig(
            organisation_id=organisation.pk,
            slug=organisation.slug,
            name=organisation.name,
            issuer=entry["issuer"],
            client_id=entry["client_id"],
            client_secret=entry["client_secret"],
            domains=tuple(d.lower().lstrip("@") for d in entry.get("domains", [])),
            anyone_from_domains_joins=bool(entry.get("anyone_from_domains_joins", False)),
        )
    return sorted(configs.values(), key=lambda c: c.name)


class CouncilOpenIDConnectProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, with a nonce in every authorization request."""

    def redirect(self, request: HttpRequest, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        kwargs["auth_params"] = {**auth_params, "nonce": nonce}
        # Anything left in kwargs is stashed with the state, so the callback can check it.
        return super().redirect(request, process, next_url, data, nonce=nonce, **kwargs)


def refuse(request: HttpRequest, *, organisation: str, reason: str, detail: str = "") -> None:
    """Log the refusal and show the person a plain page saying why."""
    logger.warning(
        "Single sign-on refused for %s: %s%s",
        organisation,
        reason,
        f" ({detail})" if detail else "",
    )
    context = {"reason": reason, "organisation_name": organisation}
    raise ImmediateHttpResponse(
        render(request, "accounts/sign_in_refused.html", context, status=403)
    )


def _claims(sociallogin: SocialLogin) -> tuple[dict, dict]:
    data = sociallogin.account.extra_data or {}
    id_token = data.get("id_token") or {}
    return id_token, data.get("userinfo") or id_token


class CouncilSignInAdapter(DefaultSocialAccountAdapter):
    """Which apps exist (one per organisation), and who may sign in through them."""

    def list_apps(self, request, provider=None, client_id=None) -> list[SocialApp]:
        apps = [config.social_app() for config in provider_configs()]
        if provider:
            apps = [a for a in apps if provider in (a.provider, a.provider_id)]
        if client_id:
            apps = [a for a in apps if a.client_id == client_id]
        return apps

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        name = getattr(getattr(provider, "app", None), "name", "") or "your organisation"
        refuse(
            request,
            organisation=name,
            reason="The sign-in could not be completed (it may have been started in another "
            "window, or taken too long). Start again from the sign-in page.",
            detail=f"{error}: {exception!r}",
        )

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        app = sociallogin.provider.app
        config = next(c for c in provider_configs() if c.slug == app.provider_id)
        id_token, claims = _claims(sociallogin)
        expected_nonce = (sociallogin.state or {}).get("nonce")
        if not expected_nonce or id_token.get("nonce") != expected_nonce:
            refuse(
                request,
                organisation=config.name,
                reason="The answer from your organisation's sign-in service did not match "
                "this sign-in. Start again from the sign-in page.",
                detail="nonce mismatch",
            )
        email = (claims.get("email") or "").strip().lower()
        if not email or claims.get("email_verified") is not True:
            refuse(
                request,
                organisation=config.name,
                reason="Your organisation's sign-in service did not confirm your e-mail "
                "address, so it cannot be used to sign in here.",
                detail=f"unverified e-mail {email!r}",
            )
        if not config.allows(email):
            refuse(
                request,
                organisation=config.name,
                reason=f"Only addresses at {', '.join(config.domains)} can sign in with "
                f"{config.name}.",
                detail=f"domain not allowed: {email!r}",
            )
        user = services.user_for_sign_in(
            organisation_id=config.organisation_id,
            email=email,
            name=claims.get("name", ""),
            join_as_viewer=config.anyone_from_domains_joins,
        )
        if user is None:
            refuse(
                request,
                organisation=config.name,
                reason="You have not been invited to use this service yet. Ask your "
                "organisation's administrator for an invitation.",
                detail=f"no invitation or login for {email!r}",
            )
        if sociallogin.is_existing and sociallogin.user.pk != user.pk:
            refuse(
                request,
                organisation=config.name,
                reason="This sign-in belongs to another login.",
                detail=f"account linked to user {sociallogin.user.pk}, e-mail is {user.pk}",
            )
        user.backend = "django.contrib.auth.backends.ModelBackend"
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)
        logger.info("Single sign-on for %s: %s signed in", config.name, user.get_username())

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False
