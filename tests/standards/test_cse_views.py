"""The CSE pages as people use them: coverage and its gaps, evidence, assessments, mapping."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from actionplan.models import Action, Theme
from actionplan.synthetic import build_plan
from standards.cse.coverage import action_cse_links
from standards.cse.forms import EvidenceForm
from standards.cse.models import Assessment, Evidence, Rating, ThemeCriterion
from standards.cse.services import cse_action_sub_criteria_set, cse_theme_mapping_save
from standards.models import Standard
from tests.conftest import home_council
from tests.formstate import loaded, loaded_on_page
from tests.standards.conftest import rate, record_evidence


def _row(html: str, anchor: str) -> str:
    """The table row with the given id, as text."""
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</tr>", start)]


def test_coverage_shows_every_sub_criterion_with_its_gaps_in_words(
    client, viewer, plan, theme, action, cse, criteria
):
    cse_theme_mapping_save(plan=plan, mapping={theme: [criteria["3"]]}, user=None)
    record_evidence(plan, [cse["3.3"]])
    rate(plan, {cse["3.3"]: "full", cse["3.1"]: "partial"})
    client.force_login(viewer)
    html = client.get(reverse("cse_coverage", args=[plan.slug])).content.decode()
    for ref in ("1.1", "2.2", "3.4", "5.3"):
        assert f'id="sub-{ref}"' in html
    covered = _row(html, "sub-3.3")
    assert "Full compliance" in covered and "No gaps" in covered
    partial = _row(html, "sub-3.1")
    assert "No evidence recorded" in partial
    assert "Rated below full compliance (partial compliance)" in partial
    assert "No plan action addresses it" not in partial  # theme 4 maps to criterion 3
    lonely = _row(html, "sub-1.1")
    assert (
        "No plan action addresses it" in lonely and "Not rated in the latest assessment" in lonely
    )
    assert "14 of 15 sub-criteria have gaps." in html  # only 3.3 is fully covered
    assert "Record evidence" not in html  # a viewer reads only


def test_the_ratings_chart_is_an_image_with_its_figures_in_a_table(client, viewer, plan, cse):
    rate(plan, {cse["1.1"]: "full", cse["1.2"]: "none"})
    client.force_login(viewer)
    html = client.get(reverse("cse_coverage", args=[plan.slug])).content.decode()
    assert 'role="img"' in html and 'aria-describedby="table-cse-ratings"' in html
    assert '<title id="cse-ratings-title">' in html
    assert "1 Customer Insight: 1 not rated, 1 no compliance, 1 full compliance." in html
    assert '<table class="govuk-table" id="table-cse-ratings">' in html


def test_a_member_records_evidence_and_the_coverage_changes(
    client, steering_member, plan, action, cse
):
    client.force_login(steering_member)
    url = reverse("cse_evidence_add", args=[plan.slug])
    page = client.get(url + f"?sub={cse['1.3'].pk}").content.decode()
    assert f'value="{cse["1.3"].pk}" checked' in page
    response = client.post(
        url,
        {
            "title": "Reception survey",
            "text": "Survey Drafted - Sept 2010",
            "url": "https://example.org/survey",
            "dated": "01/09/2010",
            "sub_criteria": [cse["1.3"].pk],
            "actions": [action.pk],
        },
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Evidence “Reception survey” recorded." in html
    row = _row(html, "sub-1.3")
    assert "No evidence recorded" not in row
    assert '>1<span class="govuk-visually-hidden"> evidence item for 1.3</span></a>' in row
    evidence = Evidence.objects.get()
    assert (evidence.plan, evidence.dated, evidence.created_by) == (
        plan,
        date(2010, 9, 1),
        steering_member,
    )


def test_evidence_with_bad_input_is_refused_with_messages_and_nothing_written(
    client, steering_member, plan, cse
):
    client.force_login(steering_member)
    response = client.post(
        reverse("cse_evidence_add", args=[plan.slug]),
        {"title": "", "text": "x", "url": "not a link", "dated": "31/02/2010"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter a short title for the evidence." in html
    assert "Enter the link as a web address" in html
    assert "Enter the date of the evidence as day/month/year" in html
    assert "Choose at least one sub-criterion this evidence supports." in html
    assert not Evidence.objects.exists()


def test_a_viewer_cannot_record_evidence(client, viewer, plan, cse):
    client.force_login(viewer)
    response = client.post(
        reverse("cse_evidence_add", args=[plan.slug]),
        {"title": "T", "text": "x", "dated": "01/09/2010", "sub_criteria": [cse["1.1"].pk]},
    )
    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_editing_evidence_changes_its_sub_criteria(client, steering_member, plan, cse):
    evidence = record_evidence(plan, [cse["1.1"]])
    client.force_login(steering_member)
    url = reverse("cse_evidence_edit", args=[evidence.pk])
    assert f'value="{cse["1.1"].pk}" checked' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "Renamed",
            "text": evidence.text,
            "dated": "01/10/2010",
            "sub_criteria": [cse["2.1"].pk],
            "loaded": loaded(evidence, EvidenceForm._meta.fields),
        },
    )
    assert response.status_code == 302
    listing = client.get(reverse("cse_evidence_list", args=[plan.slug])).content.decode()
    assert "Renamed" in listing and "2.1 Leadership, Policy and Culture" in listing
    assert "1.1 Customer Identification" not in listing


def test_an_assessment_is_recorded_whole_and_becomes_the_latest(client, steering_member, plan, cse):
    rate(plan, {cse["1.1"]: "some"}, on=date(2010, 4, 1))
    client.force_login(steering_member)
    url = reverse("cse_assessment_add", args=[plan.slug])
    form = client.get(url).content.decode()
    assert "Last time: some compliance." in form
    data = {"assessed_on": "31/10/2010", "kind": "assessor", "assessor": "SGS", "notes": ""}
    data |= {f"rating_{sub.pk}": "" for sub in cse.values()}
    data[f"rating_{cse['1.1'].pk}"] = "full"
    data[f"note_{cse['1.1'].pk}"] = "Ward profiles published"
    response = client.post(url, data)
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert (
        "Latest assessment: assessment by an accredited assessor of 31 October 2010 by SGS." in html
    )
    assert "Full compliance" in _row(html, "sub-1.1") and "Ward profiles published" in html
    assert Assessment.objects.count() == 2


def test_a_note_without_a_rating_is_refused_and_nothing_is_written(
    client, steering_member, plan, cse
):
    client.force_login(steering_member)
    data = {"assessed_on": "31/10/2010", "kind": "self"}
    data[f"note_{cse['2.2'].pk}"] = "Good attitude"
    data[f"rating_{cse['1.1'].pk}"] = "full"
    response = client.post(reverse("cse_assessment_add", args=[plan.slug]), data)
    assert response.status_code == 200
    assert "Choose a rating for 2.2, or remove the note you wrote." in response.content.decode()
    assert not Assessment.objects.exists() and not Rating.objects.exists()


def test_mapping_a_theme_groups_its_actions_under_the_criterion(
    client, steering_member, plan, theme, action, criteria
):
    client.force_login(steering_member)
    url = reverse("cse_mapping", args=[plan.slug])
    started = loaded_on_page(client.get(url).content.decode())
    answers = {f"theme_{theme.pk}": [criteria["3"].pk, criteria["5"].pk], "loaded": started}
    response = client.post(url, answers)
    assert response.status_code == 302
    assert ThemeCriterion.objects.count() == 2
    html = client.get(reverse("cse_by_criterion", args=[plan.slug])).content.decode()
    start = html.index('id="criterion-3"')
    section = html[start : html.index('id="criterion-4"')]
    assert action.description[:40] in section and "Through theme 4" in section
    assert "Not started" in section
    assert "No action of this plan answers this criterion." in html  # criteria 1, 2 and 4
    assert "Every action of this plan answers at least one criterion." in html


def test_an_action_linked_directly_shows_under_its_criterion(client, viewer, plan, action, cse):
    cse_action_sub_criteria_set(action=action, sub_criteria=[cse["4.3"]], user=None)
    client.force_login(viewer)
    html = client.get(reverse("cse_by_criterion", args=[plan.slug])).content.decode()
    section = html[html.index('id="criterion-4"') : html.index('id="criterion-5"')]
    assert "Through sub-criterion 4.3" in section


def test_the_action_page_shows_what_the_action_answers(
    client, viewer, plan, theme, action, cse, criteria
):
    cse_theme_mapping_save(plan=plan, mapping={theme: [criteria["3"]]}, user=None)
    cse_action_sub_criteria_set(action=action, sub_criteria=[cse["3.3"]], user=None)
    record_evidence(plan, [cse["3.3"]], title="Telephone survey", actions=[action])
    client.force_login(viewer)
    html = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "What this action answers" in html
    assert "Criterion 3 Information and Access (through its theme)" in html
    assert "Sub-criterion 3.3 Access" in html
    assert "Evidence: Telephone survey (1 October 2010)" in html
    assert "Change the sub-criteria" not in html


def test_what_an_action_answers_is_read_in_one_query(
    plan, theme, action, cse, criteria, django_assert_num_queries
):
    cse_theme_mapping_save(plan=plan, mapping={theme: [criteria["3"], criteria["4"]]}, user=None)
    cse_action_sub_criteria_set(action=action, sub_criteria=[cse["3.3"], cse["4.1"]], user=None)
    record_evidence(plan, [cse["3.3"]], actions=[action])
    with django_assert_num_queries(1):
        links = action_cse_links(action)
    assert [link.kind for link in links] == [
        "criterion",
        "criterion",
        "sub_criterion",
        "sub_criterion",
        "evidence",
    ]


def test_a_steering_member_sets_an_actions_sub_criteria(client, steering_member, action, cse):
    client.force_login(steering_member)
    url = reverse("cse_action_criteria", args=[action.pk])
    started = loaded_on_page(client.get(url).content.decode())
    response = client.post(url, {"sub_criteria": [cse["5.1"].pk], "loaded": started})
    assert response.status_code == 302
    html = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "Sub-criterion 5.1 Standards for Timeliness and Quality" in html


def _busy(slug: str, size: int, cse, criteria) -> object:
    """A plan with every theme mapped, an assessment and evidence linked to its actions."""
    plan = build_plan(
        organisation=home_council(),
        slug=slug,
        themes=size,
        projects_per_theme=size,
        actions_per_project=size,
    )
    themes = list(Theme.objects.filter(plan=plan))
    cse_theme_mapping_save(
        plan=plan, mapping={t: [criteria[str(1 + i % 5)]] for i, t in enumerate(themes)}, user=None
    )
    actions = list(Action.objects.filter(theme__plan=plan))
    for i, action in enumerate(actions[: size * 2]):
        cse_action_sub_criteria_set(
            action=action, sub_criteria=[list(cse.values())[i % 15]], user=None
        )
    for i in range(size):
        record_evidence(plan, [list(cse.values())[i % 15]], title=f"E{i}", actions=actions[:size])
    rate(plan, {sub: "partial" for sub in list(cse.values())[: size * 3]})
    return plan


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # session, user, role groups, plan; 7 for the coverage (sub-criteria, latest assessment,
        # its ratings, evidence counts, theme mappings, direct links, actions).
        ("cse_coverage", 11),
        ("cse_by_criterion", 11),
        # session, user, role groups, plan; evidence, then its sub-criteria, actions, standards
        # and consultations.
        ("cse_evidence_list", 9),
    ],
)
def test_cse_pages_cost_the_same_queries_for_small_and_large_plans(
    client, viewer, cse, criteria, django_assert_num_queries, name, expected
):
    small = _busy("small", 1, cse, criteria)
    large = _busy("large", 4, cse, criteria)
    client.force_login(viewer)
    client.get(reverse(name, args=[small.slug]))  # warm the session
    with django_assert_num_queries(expected):
        client.get(reverse(name, args=[small.slug]))
    with django_assert_num_queries(expected):
        response = client.get(reverse(name, args=[large.slug]))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "viewer", "action_owner"])
@pytest.mark.parametrize("name", ["cse_evidence_add", "cse_assessment_add", "cse_mapping"])
def test_refused_cse_changes_change_nothing(
    client, request, plan, theme, cse, criteria, persona, name
):
    client.force_login(request.getfixturevalue(persona))
    data = {
        "title": "T",
        "text": "x",
        "dated": "01/09/2010",
        "sub_criteria": [cse["1.1"].pk],
        "assessed_on": "01/09/2010",
        "kind": "self",
        f"rating_{cse['1.1'].pk}": "full",
        f"theme_{theme.pk}": [criteria["1"].pk],
    }
    response = client.post(reverse(name, args=[plan.slug]), data)
    assert response.status_code == (404 if persona == "outsider" else 403)
    assert not Evidence.objects.exists()
    assert not Assessment.objects.exists()
    assert not ThemeCriterion.objects.exists()


def test_coverage_says_which_ratings_moved_since_the_assessment_before(client, viewer, plan, cse):
    rate(plan, {cse["1.1"]: "some", cse["1.2"]: "full"}, on=date(2010, 4, 1))
    rate(plan, {cse["1.1"]: "full", cse["1.2"]: "full"}, on=date(2010, 10, 31))
    client.force_login(viewer)
    html = client.get(reverse("cse_coverage", args=[plan.slug])).content.decode()
    assert "Previously: some compliance" in _row(html, "sub-1.1")
    assert "Unchanged since the assessment before" in _row(html, "sub-1.2")
    assert "Earlier assessments: self-assessment of 1 April 2010." in html


def test_the_evidence_form_offers_standards_and_consultations_only_when_there_are_some(
    client, steering_member, plan, cse
):
    client.force_login(steering_member)
    url = reverse("cse_evidence_add", args=[plan.slug])
    assert "Service standards whose performance" not in client.get(url).content.decode()
    Standard.objects.create(
        organisation=home_council(),
        reference="T1",
        title="Telephone answering",
        channel="telephone",
        commitment="90% in 20s",
    )
    html = client.get(url).content.decode()
    assert "Service standards whose performance" in html and "T1 Telephone answering" in html
    assert "Consultation exercises it draws on" not in html


def test_the_dashboard_shows_the_latest_cse_assessment(client, steering_member, plan, cse):
    client.force_login(steering_member)
    url = reverse("plan_dashboard", args=[plan.slug])
    assert "No Customer Service Excellence assessment" in client.get(url).content.decode()
    rate(plan, {cse["1.1"]: "full", cse["1.2"]: "full", cse["2.1"]: "some"})
    html = client.get(url).content.decode()
    assert (
        "Latest assessment: self-assessment of 31 October 2010. 2 of 15 sub-criteria at full"
        in html
    )
    assert "<li>Not rated: 12</li>" in html and "<li>Some compliance: 1</li>" in html


def test_a_mapping_note_is_shown_beside_the_criterion(client, viewer, plan, theme, criteria):
    cse_theme_mapping_save(
        plan=plan, mapping={theme: [criteria["3"]]}, user=None, note="Demo mapping, by subject."
    )
    client.force_login(viewer)
    for name in ("cse_coverage", "cse_by_criterion"):
        html = client.get(reverse(name, args=[plan.slug])).content.decode()
        section = html[html.index('id="criterion-3"') : html.index('id="criterion-4"')]
        assert "Mapping note: Demo mapping, by subject." in section


def test_the_evidence_list_can_show_one_sub_criterions_evidence(client, viewer, plan, cse):
    record_evidence(plan, [cse["1.3"]], title="Reception survey")
    record_evidence(plan, [cse["4.3"]], title="Complaints learning")
    client.force_login(viewer)
    url = reverse("cse_evidence_list", args=[plan.slug])
    html = client.get(url + f"?sub={cse['4.3'].pk}").content.decode()
    assert "1 evidence item for sub-criterion 4.3 Deal Effectively with Problems." in html
    assert "Complaints learning" in html and "Reception survey" not in html
    assert client.get(url + "?sub=999999").status_code == 404


def test_the_evidence_form_offers_only_the_standards_in_force(client, steering_member, plan, cse):
    common = {"channel": "telephone", "commitment": "Answer calls promptly."}
    Standard.objects.create(
        organisation=home_council(),
        reference="T1",
        title="Calls (2004)",
        effective_to=date(2012, 7, 1),
        **common,
    )
    Standard.objects.create(
        organisation=home_council(),
        reference="T1",
        title="Calls (2012)",
        effective_from=date(2012, 7, 2),
        **common,
    )
    client.force_login(steering_member)
    page = client.get(reverse("cse_evidence_add", args=[plan.slug])).content.decode()
    assert "Calls (2012)" in page
    assert "Calls (2004)" not in page
