"""The structure pages: who may see and change the plan's shape, and what they see."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from actionplan import structure
from actionplan.models import (
    Action,
    ActionOwner,
    Milestone,
    Plan,
    PlanStatus,
    ProgressUpdate,
    Project,
    Status,
    Theme,
)
from actionplan.structure import PROJECT_FIELDS, THEME_FIELDS
from actionplan.synthetic import build_plan
from tests.conftest import home_council, make_action
from tests.formstate import loaded, loaded_on_page
from tests.security.htmlforms import main_form

ROLES = ["viewer", "action_owner", "steering_member", "plan_admin"]


@pytest.fixture
def owner_of_action(action_owner, people, action):
    """The action owner persona, linked to RF, an owner of `action`."""
    people["RF"].user = action_owner
    people["RF"].save()
    return action_owner


@pytest.fixture
def milestone(action) -> Milestone:
    return Milestone.objects.create(action=action, text="Draft the list", target="Nov 2004")


def _login(client, request, role: str):
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


def _page(response) -> str:
    """The page's HTML, with entities decoded so quotes read as written."""
    return unescape(response.content.decode())


def _errors(response) -> str:
    """The text of the GOV.UK error summary."""
    html = _page(response)
    start = html.index('class="govuk-error-summary"')
    return html[start : html.index("</ul>", start)]


# The structure page --------------------------------------------------------------------------


def test_signed_out_people_are_sent_to_sign_in(client, plan):
    response = client.get(reverse("plan_structure", args=[plan.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_people_without_a_role_cannot_find_the_structure_page(client, plan, outsider):
    client.force_login(outsider)
    assert client.get(reverse("plan_structure", args=[plan.slug])).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "action_owner"])
def test_readers_see_the_structure_without_controls(client, request, role, action):
    _login(client, request, role)
    response = client.get(reverse("plan_structure", args=["test-plan"]))
    html = _page(response)
    assert "4. Telephone Access" in html
    assert "Develop an electronic directory" in html
    assert "Identify key customer contacts" in html
    assert "Add a theme" not in html
    assert "Move up" not in html and "Move down" not in html
    assert reverse("theme_edit", args=[action.theme_id]) not in html


def test_steering_members_see_the_controls_but_not_delete(client, steering_member, action):
    client.force_login(steering_member)
    html = _page(client.get(reverse("plan_structure", args=["test-plan"])))
    assert "Add a theme" in html
    assert reverse("theme_edit", args=[action.theme_id]) in html
    assert reverse("project_add", args=[action.theme_id]) in html
    assert f"{reverse('action_add', args=['test-plan'])}?project={action.project_id}" in html
    assert f"{reverse('action_add', args=['test-plan'])}?theme={action.theme_id}" in html
    assert reverse("action_move", args=[action.pk]) in html
    assert reverse("action_delete", args=[action.pk]) not in html


def test_plan_administrators_also_see_delete(client, plan_admin, action):
    client.force_login(plan_admin)
    html = _page(client.get(reverse("plan_structure", args=["test-plan"])))
    assert reverse("action_delete", args=[action.pk]) in html


def test_move_buttons_appear_only_where_an_item_can_move(client, steering_member, plan, theme):
    first = Theme.objects.create(plan=plan, reference="1", title="Access points", position=0)
    client.force_login(steering_member)
    html = _page(client.get(reverse("plan_structure", args=[plan.slug])))
    assert reverse("theme_move_down", args=[first.pk]) in html
    assert reverse("theme_move_up", args=[first.pk]) not in html
    assert reverse("theme_move_up", args=[theme.pk]) in html
    assert reverse("theme_move_down", args=[theme.pk]) not in html
    assert html.index("1. Access points") < html.index("4. Telephone Access")


@pytest.mark.parametrize("size", [1, 8])
def test_the_structure_page_takes_the_same_queries_for_any_plan_size(
    client, steering_member, django_assert_num_queries, size
):
    build_plan(
        organisation=home_council(),
        slug="synthetic",
        themes=3,
        projects_per_theme=2,
        actions_per_project=size,
    )
    client.force_login(steering_member)
    url = reverse("plan_structure", args=["synthetic"])
    # session, user, the user's roles, the plan, then plan_outline: themes with counts,
    # projects with counts, the projects' actions, the actions directly under themes.
    with django_assert_num_queries(8):
        response = client.get(url)
    assert _page(response).count('id="action-') == 6 * size


# Who may change the structure ----------------------------------------------------------------


def _change_urls(plan, theme, project, action, milestone) -> list[tuple[str, str]]:
    """(method, url) of every page that changes the structure."""
    return [
        ("get", reverse("theme_add", args=[plan.slug])),
        ("post", reverse("theme_add", args=[plan.slug])),
        ("get", reverse("theme_edit", args=[theme.pk])),
        ("post", reverse("theme_move_up", args=[theme.pk])),
        ("post", reverse("theme_move_down", args=[theme.pk])),
        ("get", reverse("project_add", args=[theme.pk])),
        ("get", reverse("project_edit", args=[project.pk])),
        ("post", reverse("project_edit", args=[project.pk])),
        ("post", reverse("project_move_up", args=[project.pk])),
        ("post", reverse("project_move_down", args=[project.pk])),
        ("get", reverse("action_add", args=[plan.slug]) + f"?project={project.pk}"),
        ("post", reverse("action_add", args=[plan.slug]) + f"?project={project.pk}"),
        ("get", reverse("action_move", args=[action.pk])),
        ("post", reverse("action_move", args=[action.pk])),
        ("post", reverse("action_move_up", args=[action.pk])),
        ("post", reverse("action_move_down", args=[action.pk])),
        ("get", reverse("action_delete", args=[action.pk])),
        ("post", reverse("action_delete", args=[action.pk])),
        ("get", reverse("milestone_delete", args=[milestone.pk])),
        ("post", reverse("milestone_delete", args=[milestone.pk])),
    ]


def _snapshot() -> list:
    """Every structural row with its version, to show that nothing changed."""
    return [
        list(Theme.objects.values_list("pk", "version", "position")),
        list(Project.objects.values_list("pk", "version", "position")),
        list(Action.objects.values_list("pk", "version", "position", "theme_id")),
        list(Milestone.objects.values_list("pk", "text")),
    ]


@pytest.mark.parametrize("role", ["viewer", "owner_of_action"])
def test_viewers_and_owners_may_change_nothing(
    client, request, role, plan, theme, project, action, milestone
):
    _login(client, request, role)
    before = _snapshot()
    for method, url in _change_urls(plan, theme, project, action, milestone):
        response = getattr(client, method)(url, {"reference": "9", "title": "Changed"})
        assert response.status_code == 403, (method, url)
    assert _snapshot() == before


def test_outsiders_find_none_of_the_change_pages(
    client, outsider, plan, theme, project, action, milestone
):
    client.force_login(outsider)
    for method, url in _change_urls(plan, theme, project, action, milestone):
        assert getattr(client, method)(url).status_code == 404, (method, url)


def test_signed_out_people_are_sent_to_sign_in_from_change_pages(
    client, plan, theme, project, action, milestone
):
    for method, url in _change_urls(plan, theme, project, action, milestone):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(reverse("login"))


def test_a_draft_plan_is_hidden_from_viewers(client, viewer, plan, theme):
    plan.status = PlanStatus.DRAFT
    plan.save()
    client.force_login(viewer)
    assert client.get(reverse("plan_structure", args=[plan.slug])).status_code == 404
    assert client.post(reverse("theme_move_up", args=[theme.pk])).status_code == 404


def test_moving_only_answers_a_post(client, steering_member, theme):
    client.force_login(steering_member)
    assert client.get(reverse("theme_move_up", args=[theme.pk])).status_code == 405


# Themes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["steering_member", "plan_admin"])
def test_managers_add_a_theme_at_the_end(client, request, role, plan, theme):
    user = _login(client, request, role)
    response = client.post(
        reverse("theme_add", args=[plan.slug]),
        {"reference": "5", "title": "Face to face", "kind": "key_topic", "description": ""},
    )
    added = Theme.objects.get(plan=plan, reference="5")
    assert response.url == reverse("plan_structure", args=[plan.slug]) + f"#theme-{added.pk}"
    assert added.position == theme.position + 1
    assert added.history.first().history_user == user
    page = _page(client.get(response.url))
    assert "Theme 5 “Face to face” added." in page


def test_a_duplicate_theme_reference_is_an_error_that_keeps_the_input(
    client, steering_member, plan, theme
):
    client.force_login(steering_member)
    response = client.post(
        reverse("theme_add", args=[plan.slug]),
        {"reference": "4", "title": "My new theme", "kind": "key_topic"},
    )
    assert response.status_code == 200
    assert "Another theme in this plan already has this reference." in _errors(response)
    assert 'value="My new theme"' in _page(response)
    assert plan.themes.count() == 1


def test_editing_a_theme_saves_it_with_history(client, steering_member, theme):
    client.force_login(steering_member)
    response = client.post(
        reverse("theme_edit", args=[theme.pk]),
        {
            "reference": "4",
            "title": "Telephone and e-mail",
            "kind": "cse_criterion",
            "description": "Calls and messages",
            "loaded": loaded(theme, THEME_FIELDS),
        },
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert (theme.title, theme.kind) == ("Telephone and e-mail", "cse_criterion")
    record = theme.history.first()
    assert (record.history_user, record.history_change_reason) == (steering_member, "Theme edited")


def test_an_edit_conflict_is_refused_with_their_change_and_keeps_mine(
    client, steering_member, plan_admin, theme
):
    client.force_login(steering_member)
    url = reverse("theme_edit", args=[theme.pk])
    started = loaded_on_page(_page(client.get(url)))
    theirs = Theme.objects.get(pk=theme.pk)
    theirs.title = "Telephone access (theirs)"
    theirs._history_user = plan_admin
    theirs.save()

    mine = {"reference": "4", "title": "Telephone (mine)", "kind": "key_topic"}
    response = client.post(url, {**mine, "loaded": started})

    assert response.status_code == 200
    summary = _errors(response)
    assert "pat.admin changed this theme" in summary
    assert "nothing has been saved" in summary
    assert "changed the title to “Telephone access (theirs)”" in summary
    assert "you entered “Telephone (mine)”" in summary
    assert 'value="Telephone (mine)"' in _page(response)
    assert Theme.objects.get(pk=theme.pk).title == "Telephone access (theirs)"
    # Both changed the title: saving again needs a choice, then keeps mine.
    again = {**mine, "loaded": loaded_on_page(_page(response))}
    assert "Choose whether to keep their title or use yours" in _errors(client.post(url, again))
    assert client.post(url, {**again, "keep_title": "mine"}).status_code == 302
    assert Theme.objects.get(pk=theme.pk).title == "Telephone (mine)"


def test_moving_a_theme_down_reorders_the_page(client, steering_member, plan, theme):
    first = Theme.objects.create(plan=plan, reference="1", title="Access points", position=0)
    client.force_login(steering_member)
    response = client.post(reverse("theme_move_down", args=[first.pk]), follow=True)
    html = _page(response)
    assert "Theme 1 moved down." in html
    assert html.index("4. Telephone Access") < html.index("1. Access points")


def _move_form(html: str, url: str) -> dict[str, str]:
    """The fields of the move button posting to `url`, as the page wrote them."""
    form = main_form(html, url)
    return {name: values[0] for name, values in form.fields.items()}


def test_a_move_from_a_page_loaded_before_someone_else_reordered_moves_nothing(
    client, steering_member, plan, theme, project
):
    """Two people on the structure page: one moves action (b) up past (a); the other's page
    still shows (b) under (a) and (c) under (b). Their "Move down" of (a) would now pass (c),
    and their "Move up" of (b) would pass nothing: both are refused and the order kept."""
    a, b, c = (make_action(project, reference=f"({x})", description=x * 3) for x in "abc")
    client.force_login(steering_member)
    stale = _page(client.get(reverse("plan_structure", args=[plan.slug])))
    down_a = reverse("action_move_down", args=[a.pk])
    up_b = reverse("action_move_up", args=[b.pk])
    assert _move_form(stale, down_a)["neighbour"] == str(b.pk)
    assert client.post(up_b, _move_form(stale, up_b)).status_code == 302  # the other person
    order = list(Action.objects.filter(project=project).order_by("position", "id"))
    assert order == [b, a, c]
    for url in (down_a, up_b):
        response = client.post(url, _move_form(stale, url), follow=True)
        assert "has not been moved: the order here changed after you loaded the page" in _page(
            response
        )
        assert list(Action.objects.filter(project=project).order_by("position", "id")) == order
    # From the page as it is now, the same buttons work.
    fresh = _page(client.get(reverse("plan_structure", args=[plan.slug])))
    response = client.post(down_a, _move_form(fresh, down_a), follow=True)
    assert "Action" in _page(response) and "moved down." in _page(response)
    assert list(Action.objects.filter(project=project).order_by("position", "id")) == [b, c, a]


@pytest.mark.parametrize("neighbour", ["", "abc", "-1", "none", "9" * 30])
def test_a_move_naming_no_real_neighbour_moves_nothing_and_says_so(
    client, steering_member, plan, theme, neighbour
):
    first = Theme.objects.create(plan=plan, reference="1", title="Access points", position=0)
    client.force_login(steering_member)
    response = client.post(
        reverse("theme_move_down", args=[first.pk]), {"neighbour": neighbour}, follow=True
    )
    assert response.status_code == 200
    assert "Theme 1 has not been moved" in _page(response)
    assert Theme.objects.get(pk=first.pk).position == 0


def test_moving_returns_to_a_safe_next_page_only(client, steering_member, plan, theme):
    client.force_login(steering_member)
    url = reverse("theme_move_up", args=[theme.pk])
    assert client.post(url, {"next": "/plans/test-plan/"}).url == "/plans/test-plan/"
    assert client.post(url, {"next": "https://evil.example/"}).url.startswith(
        reverse("plan_structure", args=[plan.slug])
    )


# Projects ------------------------------------------------------------------------------------


def test_managers_add_a_project_to_a_theme(client, steering_member, theme, project):
    client.force_login(steering_member)
    response = client.post(
        reverse("project_add", args=[theme.pk]),
        {"theme": theme.pk, "reference": "2", "title": "Call centre", "description": ""},
    )
    added = Project.objects.get(theme=theme, reference="2")
    assert response.status_code == 302
    assert added.position == project.position + 1


def test_moving_a_project_to_another_theme_moves_its_actions(
    client, steering_member, plan, project, action
):
    target = Theme.objects.create(plan=plan, reference="5", title="Face to face", position=5)
    client.force_login(steering_member)
    response = client.post(
        reverse("project_edit", args=[project.pk]),
        {
            "theme": target.pk,
            "reference": "1",
            "title": project.title,
            "description": "",
            "loaded": loaded(project, PROJECT_FIELDS),
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.theme, action.project) == (target, project)
    assert action.history.first().history_user == steering_member


def test_a_project_cannot_be_moved_to_a_theme_of_another_plan(
    client, steering_member, project, action
):
    other = Plan.objects.create(
        slug="other", title="Other", organisation=home_council(), status="adopted"
    )
    foreign = Theme.objects.create(plan=other, reference="1", title="Elsewhere")
    client.force_login(steering_member)
    response = client.post(
        reverse("project_edit", args=[project.pk]),
        {
            "theme": foreign.pk,
            "reference": "1",
            "title": "x",
            "loaded": loaded(project, PROJECT_FIELDS),
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in _errors(response)
    assert Project.objects.get(pk=project.pk).theme_id == action.theme_id


def test_a_project_edit_conflict_is_refused(client, steering_member, plan_admin, project):
    client.force_login(steering_member)
    started = loaded(project, PROJECT_FIELDS)
    theirs = Project.objects.get(pk=project.pk)
    theirs.description = "Their description"
    theirs._history_user = plan_admin
    theirs.save()
    response = client.post(
        reverse("project_edit", args=[project.pk]),
        {
            "theme": project.theme_id,
            "reference": "1",
            "title": "Mine",
            "description": "",
            "loaded": started,
        },
    )
    assert response.status_code == 200
    assert "changed the description to “Their description”" in _errors(response)
    assert Project.objects.get(pk=project.pk).title == "Develop an electronic directory"


# Adding actions ------------------------------------------------------------------------------


def _new_action(**changes) -> dict:
    data = {
        "reference": "1(b)",
        "description": "Publish the directory on the intranet",
        "owners_as_written": "RF / Corporate HR",
        "target": "Mid November 2004",
        "status": "not_started",
        "rag": "",
        "percent_complete": "",
        "completed_on": "",
        "notes": "",
    }
    return {**data, **changes}


def test_managers_add_an_action_to_a_project_and_hear_of_unknown_owners(
    client, steering_member, plan, theme, project, people
):
    client.force_login(steering_member)
    url = reverse("action_add", args=[plan.slug]) + f"?project={project.pk}"
    form_page = client.get(url)
    assert "Develop an electronic directory" in _page(form_page)
    assert 'Write it as you would in a paper: "Dec 2004"' in _page(form_page)

    response = client.post(url, {**_new_action(), "theme": theme.pk, "project": project.pk})

    action = Action.objects.get(reference="1(b)")
    assert (action.theme, action.project, action.target_kind) == (theme, project, "month")
    assert [link.owner for link in ActionOwner.objects.filter(action=action)] == [people["RF"]]
    page = _page(client.get(response.url))
    assert "Action 4 / 1 / 1(b) added." in page
    assert "Corporate HR" in page and "not linked to the action" in page


def test_an_action_can_be_added_directly_under_a_theme(client, steering_member, plan, theme):
    client.force_login(steering_member)
    url = reverse("action_add", args=[plan.slug]) + f"?theme={theme.pk}"
    client.post(url, {**_new_action(owners_as_written=""), "theme": theme.pk, "project": ""})
    action = Action.objects.get(reference="1(b)")
    assert (action.theme, action.project) == (theme, None)


def test_a_duplicate_action_reference_is_the_models_message_and_keeps_the_input(
    client, steering_member, plan, theme, project, action
):
    client.force_login(steering_member)
    url = reverse("action_add", args=[plan.slug]) + f"?project={project.pk}"
    response = client.post(
        url,
        {**_new_action(reference=action.reference), "theme": theme.pk, "project": project.pk},
    )
    assert response.status_code == 200
    assert "Another action in this project already has this reference." in _errors(response)
    assert "Publish the directory on the intranet" in _page(response)
    assert 'value="Mid November 2004"' in _page(response)
    assert Action.objects.count() == 1


def test_an_action_form_with_errors_adds_nothing(client, steering_member, plan, theme, project):
    client.force_login(steering_member)
    url = reverse("action_add", args=[plan.slug]) + f"?project={project.pk}"
    response = client.post(
        url,
        {
            **_new_action(description="", status="completed", percent_complete="140"),
            "theme": theme.pk,
            "project": project.pk,
        },
    )
    summary = _errors(response)
    assert "Describe the action." in summary
    assert "Percentage complete must be between 0 and 100." in summary
    assert not Action.objects.exists()


def test_a_project_of_another_plan_cannot_receive_an_action(client, steering_member, plan):
    other = build_plan(
        organisation=home_council(),
        slug="other",
        themes=1,
        projects_per_theme=1,
        actions_per_project=0,
    )
    foreign = Project.objects.get(theme__plan=other)
    client.force_login(steering_member)
    url = reverse("action_add", args=[plan.slug]) + f"?project={foreign.pk}"
    assert client.get(url).status_code == 404
    assert client.get(reverse("action_add", args=[plan.slug])).status_code == 404


# Moving actions ------------------------------------------------------------------------------


def test_managers_move_an_action_to_another_theme(client, steering_member, plan, action):
    target = Theme.objects.create(plan=plan, reference="5", title="Face to face", position=5)
    client.force_login(steering_member)
    url = reverse("action_move", args=[action.pk])
    assert "It is now in theme 4. Telephone Access" in _page(client.get(url))
    response = client.post(url, {"theme": target.pk, "project": "", "place": "end"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.theme, action.project) == (target, None)
    assert action.history.first().history_change_reason == "Moved to theme 5"


def test_a_move_chosen_before_someone_else_moved_the_action_is_refused(
    client, steering_member, plan_admin, plan, project, action
):
    """Two people open the move page; the second to save does not undo the first's move."""
    face = Theme.objects.create(plan=plan, reference="5", title="Face to face", position=5)
    web = Theme.objects.create(plan=plan, reference="6", title="Web", position=6)
    client.force_login(steering_member)
    url = reverse("action_move", args=[action.pk])
    token = loaded_on_page(_page(client.get(url)))
    structure.action_move(action=action, theme=web, user=plan_admin)
    records = action.history.count()

    response = client.post(url, {"theme": face.pk, "project": "", "place": "end", "loaded": token})

    assert response.status_code == 200
    errors = _errors(response)
    assert "moved this action" in errors
    assert "so it has not been moved" in errors
    assert "It is now 6 / " in errors and "in theme 6, not in a project" in errors
    action.refresh_from_db()
    assert (action.theme, action.project) == (web, None)
    assert action.history.count() == records
    # The refused form starts from where the action now is; saving it again moves it.
    again = loaded_on_page(_page(response))
    response = client.post(url, {"theme": face.pk, "project": "", "place": "end", "loaded": again})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.theme == face


def test_a_move_to_where_someone_else_already_moved_the_action_is_no_conflict(
    client, steering_member, plan_admin, plan, action
):
    web = Theme.objects.create(plan=plan, reference="6", title="Web", position=6)
    client.force_login(steering_member)
    url = reverse("action_move", args=[action.pk])
    token = loaded_on_page(_page(client.get(url)))
    structure.action_move(action=action, theme=web, user=plan_admin)
    response = client.post(url, {"theme": web.pk, "project": "", "place": "end", "loaded": token})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.theme == web


def test_moving_an_action_into_a_project_of_another_theme_is_refused(
    client, steering_member, plan, project, action
):
    target = Theme.objects.create(plan=plan, reference="5", title="Face to face", position=5)
    client.force_login(steering_member)
    response = client.post(
        reverse("action_move", args=[action.pk]),
        {"theme": target.pk, "project": project.pk, "place": "start"},
    )
    assert response.status_code == 200
    assert "Choose a project in theme 5, or no project." in _errors(response)
    assert Action.objects.get(pk=action.pk).theme_id == project.theme_id


def test_moving_an_action_up_swaps_it_with_the_one_above(client, steering_member, project):
    first = make_action(project, reference="1(a)", position=0)
    second = make_action(project, reference="1(b)", position=1)
    client.force_login(steering_member)
    response = client.post(reverse("action_move_up", args=[second.pk]), follow=True)
    assert "Action 4 / 1 / 1(b) moved up." in _page(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == (0, 1)


# Deleting actions ----------------------------------------------------------------------------


def test_administrators_are_told_the_history_is_kept_before_deleting(client, plan_admin, action):
    ProgressUpdate.objects.create(action=action, reported_on="2004-10-01", narrative="Drafted")
    client.force_login(plan_admin)
    page = _page(client.get(reverse("action_delete", args=[action.pk])))
    assert "Delete this action permanently?" in page
    assert "with its 1 progress update, 0 milestones and 2 owner links" in page
    assert "The history is kept" in page


def test_administrators_delete_an_action_with_a_reason(client, plan_admin, plan, action):
    client.force_login(plan_admin)
    pk = action.pk
    response = client.post(reverse("action_delete", args=[pk]), {"reason": "Entered twice"})
    assert response.url == reverse("plan_structure", args=[plan.slug])
    assert not Action.objects.filter(pk=pk).exists()
    record = Action.history.get(id=pk, history_type="-")
    assert (record.history_user, record.history_change_reason) == (
        plan_admin,
        "Action deleted: Entered twice",
    )
    assert ActionOwner.history.filter(action_id=pk, history_type="-").count() == 2
    assert "Action 4 / 1 / 1(a) deleted. Its history is kept." in _page(client.get(response.url))


def test_deleting_without_a_reason_deletes_nothing(client, plan_admin, action):
    client.force_login(plan_admin)
    response = client.post(reverse("action_delete", args=[action.pk]), {"reason": ""})
    assert "Give the reason for deleting the action." in _errors(response)
    assert Action.objects.filter(pk=action.pk).exists()


def test_steering_members_are_told_to_retire_instead_of_deleting(client, steering_member, action):
    client.force_login(steering_member)
    for response in (
        client.get(reverse("action_delete", args=[action.pk])),
        client.post(reverse("action_delete", args=[action.pk]), {"reason": "Gone"}),
    ):
        assert response.status_code == 403
        page = _page(response)
        assert "Only plan administrators can delete an action permanently." in page
        assert reverse("action_retire", args=[action.pk]) in page
    assert Action.objects.filter(pk=action.pk).exists()


def test_viewers_refused_a_delete_are_not_offered_to_retire(client, viewer, action):
    client.force_login(viewer)
    response = client.get(reverse("action_delete", args=[action.pk]))
    assert response.status_code == 403
    assert reverse("action_retire", args=[action.pk]) not in _page(response)


# Milestones ----------------------------------------------------------------------------------


MILESTONE = ["text", "target", "done_on"]


def _milestone_data(**changes) -> dict:
    return {"text": "Consult staff", "target": "Nov 2004", "done_on": "", **changes}


@pytest.mark.parametrize("role", ["owner_of_action", "steering_member", "plan_admin"])
def test_owners_of_the_action_and_managers_add_milestones(client, request, role, action):
    user = _login(client, request, role)
    response = client.post(
        reverse("milestone_add", args=[action.pk]), _milestone_data(done_on="01/11/2004")
    )
    assert response.url == reverse("action_detail", args=[action.pk])
    milestone = action.milestones.get()
    assert (milestone.text, str(milestone.done_on)) == ("Consult staff", "2004-11-01")
    assert milestone.history.first().history_user == user


@pytest.mark.parametrize("role", ["viewer", "action_owner"])
def test_viewers_and_owners_of_other_actions_cannot_add_milestones(
    client, request, role, action, milestone
):
    _login(client, request, role)
    assert client.get(reverse("milestone_add", args=[action.pk])).status_code == 403
    response = client.post(reverse("milestone_add", args=[action.pk]), _milestone_data())
    assert response.status_code == 403
    response = client.post(reverse("milestone_edit", args=[milestone.pk]), _milestone_data())
    assert response.status_code == 403
    assert list(action.milestones.values_list("text", flat=True)) == ["Draft the list"]


def test_a_viewer_who_is_also_named_as_owner_still_cannot_add_milestones(
    client, viewer, people, action
):
    people["RF"].user = viewer
    people["RF"].save()
    client.force_login(viewer)
    assert client.get(reverse("milestone_add", args=[action.pk])).status_code == 403


def test_outsiders_cannot_find_milestone_pages(client, outsider, action, milestone):
    client.force_login(outsider)
    assert client.get(reverse("milestone_add", args=[action.pk])).status_code == 404
    assert client.get(reverse("milestone_edit", args=[milestone.pk])).status_code == 404


def test_a_milestone_after_the_actions_target_is_refused(client, owner_of_action, action):
    client.force_login(owner_of_action)
    response = client.post(
        reverse("milestone_add", args=[action.pk]), _milestone_data(target="Mar 2005")
    )
    assert response.status_code == 200
    assert "is after the action's own target (Dec 2004)" in _errors(response)
    assert "Consult staff</textarea>" in _page(response)
    assert not action.milestones.exists()


def test_owners_edit_their_milestones_but_only_managers_delete_them(
    client, owner_of_action, steering_member, action, milestone
):
    client.force_login(owner_of_action)
    edit_url = reverse("milestone_edit", args=[milestone.pk])
    assert "Delete this milestone" not in _page(client.get(edit_url))
    client.post(
        edit_url,
        _milestone_data(
            text="Draft the full list", done_on="2/11/2004", loaded=loaded(milestone, MILESTONE)
        ),
    )
    milestone.refresh_from_db()
    assert milestone.text == "Draft the full list"
    delete_url = reverse("milestone_delete", args=[milestone.pk])
    assert client.post(delete_url).status_code == 403

    client.force_login(steering_member)
    assert "Delete this milestone" in _page(client.get(edit_url))
    assert "Delete this milestone?" in _page(client.get(delete_url))
    response = client.post(delete_url)
    assert response.url == reverse("action_detail", args=[action.pk])
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    record = Milestone.history.get(id=milestone.pk, history_type="-")
    assert record.history_user == steering_member


def test_a_completed_action_needs_its_completion_date_when_added(
    client, steering_member, plan, theme, project
):
    client.force_login(steering_member)
    url = reverse("action_add", args=[plan.slug]) + f"?project={project.pk}"
    response = client.post(
        url, {**_new_action(status=Status.COMPLETED), "theme": theme.pk, "project": project.pk}
    )
    assert "Enter the date the action was completed." in _errors(response)
    assert not Action.objects.exists()
