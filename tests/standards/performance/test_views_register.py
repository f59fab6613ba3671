"""The register, a standard's page, adding, correcting and revising standards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from standards.forms import ReviseForm, StandardForm
from standards.models import Standard
from standards.services import standard_revise
from tests.formstate import loaded
from tests.standards.performance.conftest import add_value, make_standard


def test_register_groups_standards_by_channel_with_latest_rating_in_words(
    client, viewer, standards
):
    add_value(standards["T1"], "2026-09", "80")
    add_value(standards["T1"], "2026-10", "88")
    add_value(standards["C1"], "2026-10", "9.5")
    client.force_login(viewer)
    response = client.get(reverse("standard_list", args=["test-council"]))
    text = response.content.decode()
    assert "Telephone" in text and "Complaints" in text
    assert "90% or more" in text and "10 working days or fewer" in text
    assert "88%" in text and "Just missed" in text  # T1: 2 short, within 5
    assert "9.5 working days" in text and "Met" in text
    assert "Enter a period" not in text  # a viewer cannot enter figures


def test_register_shows_no_data_for_a_standard_without_figures(client, viewer, standards):
    client.force_login(viewer)
    text = client.get(reverse("standard_list", args=["test-council"])).content.decode()
    assert text.count("No figures yet") == 2 and "No data" in text


def _register_queries(client, django_assert_num_queries, count: int) -> None:
    for n in range(count):
        standard = make_standard(f"X{n}", channel=["telephone", "letters", "email"][n % 3])
        for m in range(1, 13):
            add_value(standard, f"2026-{m:02d}", str(80 + m))
    # session, user, grants, the organisation, standards, values
    with django_assert_num_queries(6):
        assert client.get(reverse("standard_list", args=["test-council"])).status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_register_query_count_does_not_grow_with_standards(
    client, viewer, django_assert_num_queries, count
):
    client.force_login(viewer)
    _register_queries(client, django_assert_num_queries, count)


def test_standard_page_shows_rating_travel_chart_and_its_table(client, viewer, standards):
    t1 = standards["T1"]
    add_value(t1, "2025-10", "85")
    add_value(t1, "2026-09", "92")
    add_value(t1, "2026-10", "91", numerator=910, denominator=1000)
    client.force_login(viewer)
    text = client.get(reverse("standard_detail", args=[t1.pk])).content.decode()
    assert "91% in October 2026 (910 out of 1000)" in text
    assert "Getting worse" in text  # vs September
    assert "Improving" in text  # vs October 2025
    assert 'role="img"' in text and "<title id=" in text and "<desc id=" in text
    assert "Target 90% or more" in text
    assert 'id="trend-table"' in text and "October 2025" in text


def test_lower_is_better_travel_on_the_standard_page(client, viewer, standards):
    c1 = standards["C1"]
    add_value(c1, "2026-09", "12")
    add_value(c1, "2026-10", "11")
    client.force_login(viewer)
    text = client.get(reverse("standard_detail", args=[c1.pk])).content.decode()
    assert "Just missed" in text  # 11 is 1 over 10, within 2
    assert "Improving" in text  # fewer days is better


def _form(standard: Standard | None = None, **changes) -> dict:
    data = {
        "reference": "L1",
        "title": "Replying to letters",
        "channel": "letters",
        "commitment": "We will reply within 10 working days.",
        "unit": "percent",
        "target": "95",
        "better": "higher",
        "amber_tolerance": "3",
        "frequency": "monthly",
        "scope": "corporate",
        "position": "0",
    }
    if standard is not None:
        data.update(
            reference=standard.reference,
            title=standard.title,
            channel=standard.channel,
            commitment=standard.commitment,
            target=str(standard.target),
            amber_tolerance=str(standard.amber_tolerance),
            loaded=loaded(standard, StandardForm._meta.fields),
        )
    data.update(changes)
    return data


def test_steering_member_adds_a_standard_with_history(client, steering_member, db):
    client.force_login(steering_member)
    response = client.post(reverse("standard_add", args=["test-council"]), _form())
    standard = Standard.objects.get(reference="L1")
    assert response.status_code == 302
    assert standard.history.get().history_user == steering_member


def test_a_service_commitment_needs_its_service(client, steering_member, db):
    client.force_login(steering_member)
    response = client.post(reverse("standard_add", args=["test-council"]), _form(scope="service"))
    assert "Choose the service that makes this commitment." in response.content.decode()
    assert not Standard.objects.exists()


def test_correcting_a_standard_needs_a_reason_kept_in_history(client, steering_member, standards):
    t1 = standards["T1"]
    client.force_login(steering_member)
    response = client.post(reverse("standard_edit", args=[t1.pk]), _form(t1, title="Phones"))
    assert "This field is required" in response.content.decode()
    client.post(reverse("standard_edit", args=[t1.pk]), _form(t1, title="Phones", reason="Typo"))
    t1.refresh_from_db()
    assert t1.title == "Phones"
    assert t1.history.first().history_change_reason == "Typo"


def test_viewer_cannot_change_a_standard(client, viewer, standards):
    t1 = standards["T1"]
    client.force_login(viewer)
    response = client.post(reverse("standard_edit", args=[t1.pk]), _form(t1, reason="x"))
    assert response.status_code == 403
    assert client.post(reverse("standard_add", args=["test-council"]), _form()).status_code == 403
    assert Standard.objects.count() == 2 and Standard.history.count() == 2


def test_revising_ends_the_old_version_and_starts_a_new_one(client, steering_member, standards):
    t1 = standards["T1"]
    add_value(t1, "2012-06", "81")
    client.force_login(steering_member)
    data = {
        "title": t1.title,
        "commitment": "We will answer 90% of calls within 20 seconds.",
        "unit": "percent",
        "target": "95",
        "better": "higher",
        "amber_tolerance": "3",
        "frequency": "monthly",
        "published": "on",
        "revise_from": "02/07/2012",
        "reason": "Customer care standards launched",
        "loaded": loaded(t1, ReviseForm.Meta.fields),
    }
    response = client.post(reverse("standard_revise", args=[t1.pk]), data)
    new = Standard.objects.get(reference="T1", effective_from=date(2012, 7, 2))
    assert response.status_code == 302 and response["Location"].endswith(f"/{new.pk}/")
    t1.refresh_from_db()
    assert t1.effective_to == date(2012, 7, 1)
    assert new.target == Decimal(95) and t1.target == Decimal(90)
    assert "Customer care standards launched" in new.history.get().history_change_reason
    # June 2012 is still judged against the old target of 90, so 81 is missed
    assert t1.values.get().standard.target == Decimal(90)
    text = client.get(reverse("standard_detail", args=[new.pk])).content.decode()
    assert "from 2 July 2012" in text and "to 1 July 2012" in text


def test_revision_refused_when_figures_already_belong_to_the_new_period(
    client, steering_member, standards
):
    t1 = standards["T1"]
    add_value(t1, "2026-10", "91")
    client.force_login(steering_member)
    data = {
        "title": t1.title,
        "commitment": t1.commitment,
        "unit": "percent",
        "target": "95",
        "better": "higher",
        "amber_tolerance": "3",
        "frequency": "monthly",
        "revise_from": "01/10/2026",
        "reason": "New target",
        "loaded": loaded(t1, ReviseForm.Meta.fields),
    }
    response = client.post(reverse("standard_revise", args=[t1.pk]), data)
    assert "1 value already entered" in response.content.decode()
    assert Standard.objects.filter(reference="T1").count() == 1
    t1.refresh_from_db()
    assert t1.effective_to is None


def test_a_second_standard_with_a_reference_in_force_is_refused(client, steering_member, standards):
    client.force_login(steering_member)
    response = client.post(reverse("standard_add", args=["test-council"]), _form(reference="T1"))
    assert "Another version of T1 is in force from the start" in response.content.decode()
    assert Standard.objects.filter(reference="T1").count() == 1


def test_correcting_dates_cannot_make_versions_overlap(client, steering_member, standards):
    t1 = standards["T1"]
    new = standard_revise_for_test(t1)
    client.force_login(steering_member)
    data = _form(t1, effective_to="31/12/2026", reason="Extend")
    response = client.post(reverse("standard_edit", args=[t1.pk]), data)
    assert f"Another version of T1 is in force from {new.effective_from:%d/%m/%Y}" in (
        response.content.decode()
    )
    t1.refresh_from_db()
    assert t1.effective_to == date(2026, 5, 31)


def standard_revise_for_test(standard: Standard) -> Standard:
    return standard_revise(
        standard=standard, changes={}, effective_from=date(2026, 6, 1), user=None, reason="x"
    )
