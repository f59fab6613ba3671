"""The public "you said, we did" page: no sign-in, and only ever what is published."""

from datetime import date

import pytest
from django.urls import reverse

from actionplan.services import action_record_progress
from consultation.models import PublicPage
from tests.conftest import make_action
from tests.consultation.conftest import link, make_exercise, make_finding


def url(plan) -> str:
    return reverse("you_said_we_did", args=[plan.organisation.slug, plan.slug])


def test_anyone_sees_a_published_finding_with_its_actions_current_status_and_progress(
    client, plan, finding, action, public_page, steering_member
):
    link(finding, action)
    action_record_progress(
        action=action,
        reported_on=date(2005, 3, 1),
        narrative="Directory live on the intranet",
        status="completed",
        user=steering_member,
    )
    text = client.get(url(plan)).content.decode()
    assert "Answer the telephone more quickly" in text
    assert "62%" in text
    assert action.description in text
    assert "Completed" in text
    assert "Latest progress, 1 March 2005: Directory live on the intranet" in text


def test_unpublished_findings_and_exercises_never_appear(client, plan, exercise, public_page):
    make_finding(exercise, said="Published and shown")
    make_finding(exercise, said="Draft finding, not for the public", published=False)
    hidden = make_exercise(plan, title="Hidden exercise", published=False)
    make_finding(hidden, said="Published finding of an unpublished exercise")
    text = client.get(url(plan)).content.decode()
    assert "Published and shown" in text
    assert "Draft finding" not in text
    assert "Hidden exercise" not in text
    assert "unpublished exercise" not in text


def test_the_page_does_not_exist_for_the_public_when_switched_off(client, plan, finding):
    assert client.get(url(plan)).status_code == 404
    PublicPage.objects.create(plan=plan, you_said_we_did_published=False)
    assert client.get(url(plan)).status_code == 404


def test_a_draft_plans_page_is_never_public(client, draft_plan, public_page):
    assert client.get(url(draft_plan)).status_code == 404


def test_staff_see_a_preview_of_a_page_that_is_not_public(client, plan, finding, viewer):
    client.force_login(viewer)
    response = client.get(url(plan))
    assert response.status_code == 200
    assert "Preview: this page is not public" in response.content.decode()


def test_the_public_page_shows_no_links_that_need_sign_in(client, plan, finding, public_page):
    text = client.get(url(plan)).content.decode()
    for needs_sign_in in ("Sign out", "My actions", reverse("plan_dashboard", args=[plan.slug])):
        assert needs_sign_in not in text


# The plan, its public page, its change stamp (the content is cached under it); uncached: the
# published findings (with exercise), their themes, their action links, the linked actions
# (with theme, project and latest progress).
PUBLIC_QUERIES = 7


@pytest.mark.parametrize("findings", [1, 6])
def test_the_public_page_costs_the_same_queries_for_few_and_many_findings(
    client, plan, project, public_page, django_assert_num_queries, findings
):
    exercise = make_exercise(plan)
    for n in range(findings):
        finding = make_finding(exercise, said=f"Finding {n}")
        link(finding, make_action(project, description=f"Action {n}"))
    with django_assert_num_queries(PUBLIC_QUERIES):
        response = client.get(url(plan))
    assert response.content.decode().count("You said: Finding") == findings


def test_someone_signed_in_without_a_role_gets_no_preview(client, plan, finding, outsider):
    client.force_login(outsider)
    assert client.get(url(plan)).status_code == 404
