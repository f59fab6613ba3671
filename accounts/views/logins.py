"""An organisation's logins, for its administrators: who holds which role, invitations,
changing roles, deactivating a login, and the organisation's single sign-on."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import NO_PLAN_ROLE, InviteForm, RolesForm, SignInProviderForm
from accounts.models import Invitation, SignInProvider
from actionplan.access import organisation_to_administer
from actionplan.conflicts import EditConflict
from actionplan.forms import add_model_errors
from actionplan.models import Membership, PlanMembership


@login_required
def organisation_admin(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_to_administer(request.user, slug)
    members = services.members_of(organisation).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(organisation=organisation),
            to_attr="roles_here",
        ),
        Prefetch(
            "plan_memberships",
            queryset=PlanMembership.objects.filter(plan__organisation=organisation)
            .select_related("plan")
            .order_by("plan__title"),
            to_attr="plan_roles_here",
        ),
    )
    waiting = Invitation.objects.waiting().filter(organisation=organisation)
    context = {
        "organisation": organisation,
        "members": members,
        "pending": waiting.select_related("invited_by"),
        "now": timezone.now(),
        "sign_in_provider": SignInProvider.objects.filter(organisation=organisation).first(),
    }
    return render(request, "accounts/organisation_admin.html", context)


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_to_administer(request.user, slug)
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                organisation_role=form.cleaned_data["organisation_role"],
                plan_roles={p: r for p, r in form.plan_roles().items() if r},
                owner=form.cleaned_data["owner"],
                user=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request,
                f"Invitation e-mailed to {invitation.email}. The link works once, for 7 days.",
            )
            return redirect("organisation_admin", organisation.slug)
    return render(request, "accounts/invite.html", {"organisation": organisation, "form": form})


def _handle_invitation(request: HttpRequest, slug: str, pk: int, act) -> HttpResponse:
    organisation = organisation_to_administer(request.user, slug)
    invitation = get_object_or_404(Invitation, organisation=organisation, pk=pk)
    try:
        message = act(invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message)
    return redirect("organisation_admin", organisation.slug)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def resend(invitation: Invitation) -> str:
        services.invitation_resend(
            invitation=invitation, user=request.user, base_url=request.build_absolute_uri("/")
        )
        return f"Invitation e-mailed again to {invitation.email}. The new link works for 7 days."

    return _handle_invitation(request, slug, pk, resend)


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def withdraw(invitation: Invitation) -> str:
        services.invitation_withdraw(invitation=invitation, user=request.user)
        return f"Invitation to {invitation.email} withdrawn: its links no longer work."

    return _handle_invitation(request, slug, pk, withdraw)


def _member(organisation, pk: int):
    return get_object_or_404(services.members_of(organisation), pk=pk)


@login_required
def login_roles(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = organisation_to_administer(request.user, slug)
    member = _member(organisation, pk)
    initial = services.role_values(organisation=organisation, member=member)
    initial["loaded"] = services.sign_roles(initial, member)
    form = RolesForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        loaded = services.read_roles(form.cleaned_data["loaded"], member)
        try:
            services.user_set_roles(
                organisation=organisation,
                member=member,
                organisation_role=form.cleaned_data["organisation_role"],
                plan_roles=form.plan_roles(),
                user=request.user,
                loaded=loaded,
            )
        except ValidationError as error:
            add_model_errors(form, error)
        except services.RolesChanged as conflict:
            form = _roles_form_after_conflict(form, conflict, loaded or {}, member, organisation)
        else:
            messages.success(request, f"Roles of {member.get_full_name() or member} saved.")
            return redirect("organisation_admin", organisation.slug)
    context = {
        "organisation": organisation,
        "member": member,
        "form": form,
        "no_plan_role": NO_PLAN_ROLE,
        "changes": services.role_changes(organisation=organisation, member=member),
    }
    return render(request, "accounts/login_roles.html", context)


def _roles_form_after_conflict(
    form: RolesForm,
    conflict: services.RolesChanged,
    loaded: dict[str, str],
    member,
    organisation,
) -> RolesForm:
    """The roles form again, refused: it now holds the other person's changes and this user's,
    each role both changed is marked with both values, and its snapshot is of the roles as they
    are now, so saving again writes what the form then shows."""
    yours = {name: form.cleaned_data.get(name) or "" for name in form.fields if name != "loaded"}
    data = {}
    for name, value in yours.items():
        theirs = conflict.current.get(name, "")
        data[name] = theirs if name in conflict.changed and value == loaded.get(name, "") else value
    data["loaded"] = services.sign_roles(conflict.current, member)
    refused = RolesForm(data, organisation=organisation)
    refused.is_valid()
    refused.add_error(
        None,
        f"{conflict.by} changed these roles while you were editing them, so nothing has been "
        "saved. The form now holds their changes and yours; check it and save again.",
    )
    for name in conflict.changed:
        if name not in refused.fields:
            continue
        was = form.display(name, loaded.get(name, ""))
        theirs = form.display(name, conflict.current.get(name, ""))
        if yours.get(name, "") not in (loaded.get(name, ""), conflict.current.get(name, "")):
            mine = form.display(name, yours[name])
            refused.add_error(
                name,
                f"{conflict.by} changed this to “{theirs}” (it was “{was}”); you chose "
                f"“{mine}”, which the form still shows. Save again to keep yours, or choose "
                "theirs.",
            )
        else:
            refused.add_error(
                name, f"{conflict.by} changed this to “{theirs}” (it was “{was}”); kept."
            )
    return refused


@login_required
@require_POST
def login_deactivate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = organisation_to_administer(request.user, slug)
    member = _member(organisation, pk)
    try:
        services.user_deactivate(organisation=organisation, member=member, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{member.get_full_name() or member} can no longer sign in.")
    return redirect("organisation_admin", organisation.slug)


@login_required
def sign_in_settings(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_to_administer(request.user, slug)
    provider = SignInProvider.objects.filter(organisation=organisation).first()
    form = SignInProviderForm(request.POST or None, instance=provider, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_in_provider_save(
                provider=form.instance, user=request.user, base=form.base
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
        else:
            messages.success(request, "Single sign-on settings saved.")
            return redirect("organisation_admin", organisation.slug)
    context = {
        "organisation": organisation,
        "form": form,
        "sign_in_url": request.build_absolute_uri(
            reverse("login") + f"?organisation={organisation.slug}"
        ),
        "callback_url": request.build_absolute_uri(
            reverse("openid_connect_callback", kwargs={"provider_id": organisation.slug})
        ),
    }
    return render(request, "accounts/sign_in_settings.html", context)
