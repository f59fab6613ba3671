"""Dates, periods, ids and lengths at the edges answered with a message, never a 500
(finding 4 of the security test; tests/security/test_url_walk.py walks every URL with them)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from standards.models import PerformanceValue
from tests.conftest import home_council

pytestmark = pytest.mark.django_db

EDGES = ["0001-01-01", "01/01/0001", "0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"]


@pytest.mark.parametrize("name", ["report_pdf", "report_xlsx", "report_csv"])
@pytest.mark.parametrize("param", ["as_at", "since"])
@pytest.mark.parametrize("value", EDGES)
def test_a_report_moment_off_the_calendar_is_a_400_with_words(
    client, viewer, action, name, param, value
):
    client.force_login(viewer)
    response = client.get(reverse(name, args=[action.theme.plan.slug]), {param: value})
    assert response.status_code == 400
    assert "This report cannot be made" in response.content.decode()


@pytest.mark.parametrize("value", EDGES)
def test_the_print_page_sends_an_odd_moment_back_to_the_builder_which_says_why(
    client, viewer, action, value
):
    client.force_login(viewer)
    page = client.get(
        reverse("report_print", args=[action.theme.plan.slug]), {"as_at": value}, follow=True
    )
    assert page.status_code == 200
    assert "Enter a date between 1900 and 2999" in page.content.decode()


@pytest.mark.parametrize("param", ["theme", "owner"])
def test_a_report_filter_id_beyond_64_bits_is_a_choice_error(client, viewer, action, param):
    client.force_login(viewer)
    url = reverse("report_builder", args=[action.theme.plan.slug])
    response = client.get(url, {param: str(2**64)})
    assert response.status_code == 200
    assert "Choose" in response.content.decode()


@pytest.mark.parametrize("period", ["0000-01", "9999-12"])
def test_a_period_off_the_calendar_falls_back_to_last_month(client, steering_member, period):
    client.force_login(steering_member)
    assert (
        client.get(
            reverse("performance_enter", args=["test-council"]), {"period": period}
        ).status_code
        == 200
    )
    template = client.get(
        reverse("performance_template", args=["test-council"]), {"period": period}
    )
    assert template.status_code == 200 and template["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"standard,period,value\nT1,0000-01,5\n", "write a year between 1900 and 2999"),
        (b"standard,period,value\nT1,9999-12,5\n", "write a year between 1900 and 2999"),
        (b"standard,period,value\nT1,2026-01," + b"9" * 200_000 + b"\n", "cannot be read as CSV"),
        (b"standard," + b"x" * 200_000 + b",value\n", "cannot be read as CSV"),
    ],
)
def test_the_figures_upload_refuses_odd_periods_and_over_long_fields_with_words(
    client, steering_member, content, message
):
    from standards.models import Standard

    Standard.objects.create(
        organisation=home_council(),
        reference="T1",
        title="Telephone",
        channel="telephone",
        commitment="Answer calls.",
    )
    client.force_login(steering_member)
    response = client.post(
        reverse("performance_upload", args=["test-council"]),
        {"file": SimpleUploadedFile("figures.csv", content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PerformanceValue.objects.exists()
