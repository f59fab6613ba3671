"""Changing the plan's shape in the browser: themes, projects, where actions sit, milestones.

Everyone with a role may read the structure page; only steering-group members and plan
administrators change it (403 for the others, 404 for what they may not see). Deleting an
action for good is for plan administrators; action owners may add and edit the milestones of
their own actions.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from actionplan import structure
from actionplan.access import (
    ActionAccess,
    action_for_user,
    can_manage_plans,
    is_plan_administrator,
    plan_for_user,
    require,
    visible_plans,
)
from actionplan.conflicts import EditConflict, when_changed
from actionplan.forms import add_model_errors
from actionplan.models import Action, Milestone, Plan, Project, Theme
from actionplan.ownertext import unknown_owners_message
from actionplan.services import milestone_save
from actionplan.structure_forms import (
    ActionAddForm,
    ActionDeleteForm,
    ActionMoveForm,
    MilestoneForm,
    ProjectForm,
    ThemeForm,
    move_token,
)
from actionplan.views.redirects import redirect_back

User = AbstractBaseUser | AnonymousUser

CHANGE_REFUSED = (
    "Only steering-group members and plan administrators can change the plan's structure."
)
MILESTONES_REFUSED = (
    "Only steering-group members, plan administrators and the action's own owners can change "
    "its milestones."
)
MILESTONE_DELETE_REFUSED = (
    "Only steering-group members and plan administrators can delete a milestone."
)


# Helpers -------------------------------------------------------------------------------------


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _theme_to_change(user: User, pk: int) -> Theme:
    """The theme, 404 if its plan is hidden from the user, 403 if they may not change it."""
    themes = Theme.objects.select_related("plan").filter(plan__in=visible_plans(user))
    theme = get_object_or_404(themes, pk=pk)
    require(can_manage_plans(user, theme.plan), CHANGE_REFUSED)
    return theme


def _project_to_change(user: User, pk: int) -> Project:
    projects = Project.objects.select_related("theme__plan").filter(
        theme__plan__in=visible_plans(user)
    )
    project = get_object_or_404(projects, pk=pk)
    require(can_manage_plans(user, project.theme.plan), CHANGE_REFUSED)
    return project


def _action_to_change(user: User, pk: int) -> Action:
    access = action_for_user(user, pk)
    require(access.can_edit, CHANGE_REFUSED)
    return access.action


def _milestone_access(user: User, action_pk: int) -> ActionAccess:
    access = action_for_user(user, action_pk)
    require(access.can_edit or access.can_record_progress, MILESTONES_REFUSED)
    return access


def _project_label(project: Project) -> str:
    return project.reference or f"“{Truncator(project.title).chars(50)}”"


def _structure_url(plan: Plan, anchor: str = "") -> str:
    url = reverse("plan_structure", args=[plan.slug])
    return f"{url}#{anchor}" if anchor else url


def _move(
    request: HttpRequest,
    reorder: Callable[..., bool],
    *,
    label: str,
    direction: structure.Direction,
    back: str,
) -> HttpResponse:
    """Move one place up or down, past the neighbour the page showed (the button's
    `neighbour`), and say what happened; if the order changed meanwhile, nothing moves."""
    try:
        moved = reorder(
            direction=direction, user=request.user, neighbour=request.POST.get("neighbour")
        )
    except structure.OrderChanged:
        messages.error(
            request,
            f"{label} has not been moved: the order here changed after you loaded the page "
            "(someone else moved, added or removed something). This page shows the order now; "
            f"move it {direction} again if it still needs to go there.",
        )
    else:
        if moved:
            messages.success(request, f"{label} moved {direction}.")
        else:
            end = "first" if direction == "up" else "last"
            messages.info(request, f"{label} is already {end}.")
    return redirect_back(request, back)


def _place_from_query(request: HttpRequest, plan: Plan) -> tuple[Theme, Project | None]:
    """Where a new action goes: ?project=<id> or ?theme=<id>, within the plan."""
    project_id, theme_id = request.GET.get("project", ""), request.GET.get("theme", "")
    if project_id.isdigit():
        projects = Project.objects.select_related("theme").filter(theme__plan=plan)
        project = get_object_or_404(projects, pk=project_id)
        return project.theme, project
    if theme_id.isdigit():
        return get_object_or_404(Theme, pk=theme_id, plan=plan), None
    raise Http404("Choose the theme or project for the new action on the plan's structure page.")


# The structure page --------------------------------------------------------------------------


@login_required
def plan_structure(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    context = {
        "plan": plan,
        "themes": list(structure.plan_outline(plan)),  # indexed by the move buttons
        "can_edit": can_manage_plans(request.user, plan),
        "can_delete": is_plan_administrator(request.user, plan),
        "nav_section": "plans",
    }
    return render(request, "actionplan/structure/plan_structure.html", context)


# Themes --------------------------------------------------------------------------------------


@login_required
def theme_add(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    form = ThemeForm(_posted(request), instance=Theme(plan=plan))
    if form.is_valid():
        theme = structure.theme_save(theme=form.instance, user=request.user)
        messages.success(request, f"Theme {theme.reference} “{theme.title}” added.")
        return redirect(_structure_url(plan, f"theme-{theme.pk}"))
    context = {"form": form, "plan": plan, "theme_name": "", "nav_section": "plans"}
    return render(request, "actionplan/structure/theme_form.html", context)


@login_required
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme_to_change(request.user, pk)
    theme_name = str(theme)
    form = ThemeForm(_posted(request), instance=theme)
    if form.is_valid():
        try:
            structure.theme_save(theme=form.instance, user=request.user, base=form.base)
        except EditConflict as conflict:
            form.show_conflict(conflict)
        else:
            messages.success(request, f"Theme {theme.reference} “{theme.title}” saved.")
            return redirect(_structure_url(theme.plan, f"theme-{theme.pk}"))
    context = {"form": form, "plan": theme.plan, "theme_name": theme_name, "nav_section": "plans"}
    return render(request, "actionplan/structure/theme_form.html", context)


def _move_theme(request: HttpRequest, pk: int, direction: structure.Direction) -> HttpResponse:
    theme = _theme_to_change(request.user, pk)
    return _move(
        request,
        partial(structure.theme_reorder, theme=theme),
        label=f"Theme {theme.reference}",
        direction=direction,
        back=_structure_url(theme.plan, f"theme-{theme.pk}"),
    )


@login_required
@require_POST
def theme_move_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_theme(request, pk, "up")


@login_required
@require_POST
def theme_move_down(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_theme(request, pk, "down")


# Projects ------------------------------------------------------------------------------------


@login_required
def project_add(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme_to_change(request.user, pk)
    form = ProjectForm(
        _posted(request), instance=Project(theme=theme), plan=theme.plan, initial={"theme": theme}
    )
    if form.is_valid():
        project = structure.project_save(project=form.instance, user=request.user)
        messages.success(
            request, f"Project {_project_label(project)} added to theme {theme.reference}."
        )
        return redirect(_structure_url(theme.plan, f"project-{project.pk}"))
    context = {
        "form": form,
        "plan": theme.plan,
        "theme": theme,
        "project_name": "",
        "nav_section": "plans",
    }
    return render(request, "actionplan/structure/project_form.html", context)


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_to_change(request.user, pk)
    theme, project_name = project.theme, str(project)
    form = ProjectForm(_posted(request), instance=project, plan=theme.plan)
    if form.is_valid():
        try:
            structure.project_save(project=form.instance, user=request.user, base=form.base)
        except EditConflict as conflict:
            form.show_conflict(conflict)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, f"Project {_project_label(project)} saved.")
            return redirect(_structure_url(theme.plan, f"project-{project.pk}"))
    context = {
        "form": form,
        "plan": theme.plan,
        "theme": theme,
        "project_name": project_name,
        "nav_section": "plans",
    }
    return render(request, "actionplan/structure/project_form.html", context)


def _move_project(request: HttpRequest, pk: int, direction: structure.Direction) -> HttpResponse:
    project = _project_to_change(request.user, pk)
    return _move(
        request,
        partial(structure.project_reorder, project=project),
        label=f"Project {_project_label(project)}",
        direction=direction,
        back=_structure_url(project.theme.plan, f"project-{project.pk}"),
    )


@login_required
@require_POST
def project_move_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_project(request, pk, "up")


@login_required
@require_POST
def project_move_down(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_project(request, pk, "down")


# Actions -------------------------------------------------------------------------------------


@login_required
def action_add(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    theme, project = _place_from_query(request, plan)
    form = ActionAddForm(_posted(request), instance=Action(theme=theme, project=project), plan=plan)
    if form.is_valid():
        action = form.instance
        unknown = structure.action_create(action=action, user=request.user)
        messages.success(request, f"Action {action.full_reference} added.")
        if unknown:
            messages.warning(request, unknown_owners_message(unknown))
        return redirect(_structure_url(plan, f"action-{action.pk}"))
    context = {
        "form": form,
        "plan": plan,
        "theme": theme,
        "project": project,
        "nav_section": "plans",
    }
    return render(request, "actionplan/structure/action_add.html", context)


@login_required
def action_move(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_to_change(request.user, pk)
    plan = action.theme.plan
    form = ActionMoveForm(_posted(request), action=action)
    if form.is_valid():
        data = form.cleaned_data
        try:
            moved = structure.action_move(
                action=action,
                theme=data["theme"],
                project=data["project"],
                at_start=data["place"] == "start",
                user=request.user,
                base=form.base,
            )
        except ValidationError as error:
            add_model_errors(form, error)
        except EditConflict as conflict:
            action = _action_to_change(request.user, pk)
            form = _move_form_after_conflict(action, conflict, place=data["place"])
        else:
            messages.success(request, f"Action moved: it is now {moved.full_reference}.")
            return redirect(_structure_url(plan, f"action-{moved.pk}"))
    context = {"form": form, "plan": plan, "action": action, "nav_section": "plans"}
    return render(request, "actionplan/structure/action_move.html", context)


def _move_form_after_conflict(
    action: Action, conflict: EditConflict, *, place: str
) -> ActionMoveForm:
    """The move form again, starting from where someone else has just moved the action."""
    when = when_changed(conflict)
    where = f"theme {action.theme.reference}"
    where += f", project {action.project}" if action.project else ", not in a project"
    data = {
        "theme": action.theme_id,
        "project": action.project_id or "",
        "place": place,
        "loaded": move_token(action),
    }
    form = ActionMoveForm(data, action=action)
    form.is_valid()
    form.add_error(
        None,
        f"{conflict.changed_by} moved this action{when} while you were choosing where to move "
        f"it, so it has not been moved. It is now {action.full_reference}, in {where}. Choose "
        f"again where it should go.",
    )
    return form


def _move_action(request: HttpRequest, pk: int, direction: structure.Direction) -> HttpResponse:
    action = _action_to_change(request.user, pk)
    return _move(
        request,
        partial(structure.action_reorder, action=action),
        label=f"Action {action.full_reference}",
        direction=direction,
        back=_structure_url(action.theme.plan, f"action-{action.pk}"),
    )


@login_required
@require_POST
def action_move_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_action(request, pk, "up")


@login_required
@require_POST
def action_move_down(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_action(request, pk, "down")


@login_required
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access = action_for_user(request.user, pk)
    action = access.action
    plan = action.theme.plan
    if not access.can_delete:
        context = {
            "action": action,
            "plan": plan,
            "can_retire": access.can_edit,
            "nav_section": "plans",
        }
        return render(
            request, "actionplan/structure/action_delete_refused.html", context, status=403
        )
    form = ActionDeleteForm(_posted(request))
    if form.is_valid():
        label = action.full_reference
        try:
            structure.action_delete(
                action=action, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ProtectedError:
            form.add_error(
                None,
                "Other records still refer to this action, so it cannot be deleted. Retire it "
                "instead.",
            )
        else:
            messages.success(request, f"Action {label} deleted. Its history is kept.")
            return redirect(_structure_url(plan))
    context = {
        "form": form,
        "plan": plan,
        "action": action,
        "update_count": action.updates.count(),
        "milestone_count": action.milestones.count(),
        "owner_count": action.action_owners.count(),
        "nav_section": "plans",
    }
    return render(request, "actionplan/structure/action_delete.html", context)


# Milestones ----------------------------------------------------------------------------------


@login_required
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = _milestone_access(request.user, pk)
    action = access.action
    form = MilestoneForm(_posted(request), action=action)
    if form.is_valid():
        structure.milestone_create(milestone=form.instance, user=request.user)
        messages.success(request, "Milestone added.")
        return redirect("action_detail", action.pk)
    context = {
        "form": form,
        "action": action,
        "plan": action.theme.plan,
        "milestone": None,
        "can_delete": False,
        "nav_section": "plans",
    }
    return render(request, "actionplan/structure/milestone_form.html", context)


@login_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone, pk=pk)
    access = _milestone_access(request.user, milestone.action_id)
    action = access.action
    form = MilestoneForm(_posted(request), instance=milestone, action=action)
    if form.is_valid():
        try:
            milestone_save(
                milestone=form.instance,
                user=request.user,
                reason="Milestone edited",
                base=form.base,
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
        else:
            messages.success(request, "Milestone saved.")
            return redirect("action_detail", action.pk)
    context = {
        "form": form,
        "action": action,
        "plan": action.theme.plan,
        "milestone": milestone,
        "can_delete": access.can_edit,
        "nav_section": "plans",
    }
    return render(request, "actionplan/structure/milestone_form.html", context)


@login_required
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone, pk=pk)
    access = action_for_user(request.user, milestone.action_id)
    require(access.can_edit, MILESTONE_DELETE_REFUSED)
    if request.method == "POST":
        structure.milestone_delete(milestone=milestone, user=request.user)
        messages.success(request, f"Milestone “{milestone.text}” deleted.")
        return redirect("action_detail", access.action.pk)
    context = {
        "milestone": milestone,
        "action": access.action,
        "plan": access.action.theme.plan,
        "nav_section": "plans",
    }
    return render(request, "actionplan/structure/milestone_delete.html", context)
