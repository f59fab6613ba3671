"""The committee report's consultation section, as it stood at the report's moment."""

from django.urls import reverse
from django.utils import timezone

from actionplan.reporting import build_report
from consultation import services


def test_no_exercises_means_no_consultation_section(plan, action):
    assert build_report(plan=plan).section("consultation") is None


def test_the_section_lists_findings_with_their_responding_actions(plan, finding, action):
    services.finding_link_action(finding=finding, action=action, user=None)
    section = build_report(plan=plan).section("consultation")
    (exercise,) = section.exercises
    (reported,) = exercise.findings
    assert reported.said == "Answer the telephone more quickly"
    assert reported.strength == "62%"
    assert [(a.full_reference, a.status_label) for a in reported.actions] == [
        (action.full_reference, "Not started")
    ]
    assert section.unanswered == 0


def test_a_past_report_shows_the_links_as_they_were_then(plan, finding, action):
    before = timezone.now()
    services.finding_link_action(finding=finding, action=action, user=None)
    finding.said = "Changed later"
    services.finding_save(finding=finding, themes=[], user=None)
    then = build_report(plan=plan, as_at=before).section("consultation")
    (reported,) = then.exercises[0].findings
    assert reported.said == "Answer the telephone more quickly"
    assert reported.actions == []
    assert then.unanswered == 1


def test_the_print_page_shows_the_section(client, plan, finding, action, viewer):
    services.finding_link_action(finding=finding, action=action, user=None)
    client.force_login(viewer)
    text = client.get(reverse("report_print", args=[plan.slug])).content.decode()
    assert "Consultation: you said, we did" in text
    assert "Answer the telephone more quickly" in text


def test_the_print_page_places_the_section_after_progress_by_theme(client, plan, finding, viewer):
    client.force_login(viewer)
    text = client.get(reverse("report_print", args=[plan.slug])).content.decode()
    assert text.index('id="progress-by-theme"') < text.index('id="consultation"')
