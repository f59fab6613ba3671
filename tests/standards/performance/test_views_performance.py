"""Entering a month's figures for every standard on one page: all or nothing, with history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse

from standards.models import PerformanceValue
from tests.standards.performance.conftest import add_value, make_standard

URL = reverse("performance_enter", args=["test-council"]) + "?period=2026-10"


def _data(standards, **values) -> dict:
    t1, c1 = standards["T1"].pk, standards["C1"].pk
    data = {
        f"s{t1}-value": "",
        f"s{t1}-numerator": "915",
        f"s{t1}-denominator": "1000",
        f"s{t1}-note": "Phones fine",
        f"s{c1}-value": "8",
        f"s{c1}-note": "",
        "publish": "on",
    }
    data.update({k.replace("T1", f"s{t1}").replace("C1", f"s{c1}"): v for k, v in values.items()})
    return data


def test_form_lists_every_standard_with_a_period_ending_that_month(
    client, steering_member, standards
):
    make_standard("OLD", effective_to=date(2026, 9, 30))
    make_standard("NEW", effective_from=date(2026, 11, 1))
    make_standard("Q1", frequency="quarterly")
    client.force_login(steering_member)
    text = client.get(URL).content.decode()
    assert "T1 Answering the telephone, October 2026" in text
    assert "C1 Complaints: first response, October 2026" in text
    assert "OLD" not in text and "NEW" not in text
    assert "Q1 " not in text  # Q3 2026/27 ends in December
    december = client.get(
        reverse("performance_enter", args=["test-council"]) + "?period=2026-12"
    ).content.decode()
    assert "Q1 Answering the telephone, Q3 2026/27" in december


def test_member_enters_all_figures_at_once(client, steering_member, standards):
    client.force_login(steering_member)
    response = client.post(URL, _data(standards))
    assert response.status_code == 302
    t1 = PerformanceValue.objects.get(standard=standards["T1"])
    assert t1.value == Decimal("91.50") and (t1.numerator, t1.denominator) == (915, 1000)
    assert t1.period.label == "October 2026" and t1.published and t1.entered_by == steering_member
    assert PerformanceValue.objects.get(standard=standards["C1"]).value == Decimal(8)
    assert t1.history.get().history_change_reason.startswith("Figures for October 2026")
    page = client.get(response["Location"]).content.decode()
    assert "Figures for October 2026 saved: 2 added." in page


def test_one_bad_row_saves_nothing_and_says_which_row(client, steering_member, standards):
    client.force_login(steering_member)
    response = client.post(URL, _data(standards, **{"C1-value": "ten"}))
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text and "C1: The value is not a number." in text
    assert f'href="#id_s{standards["C1"].pk}-value"' in text
    assert "<title>Error: " in text
    assert not PerformanceValue.objects.exists()


def test_inconsistent_percentage_is_refused(client, steering_member, standards):
    client.force_login(steering_member)
    response = client.post(URL, _data(standards, **{"T1-value": "80"}))
    assert "does not match 915 out of 1000 (91.50%)" in response.content.decode()
    assert not PerformanceValue.objects.exists()


def test_a_note_without_a_figure_is_refused(client, steering_member, standards):
    client.force_login(steering_member)
    response = client.post(URL, _data(standards, **{"C1-value": "", "C1-note": "late"}))
    assert "C1: enter a value for the note." in response.content.decode()
    assert not PerformanceValue.objects.exists()


def test_editing_a_period_shows_old_figures_and_keeps_their_history(
    client, steering_member, standards
):
    add_value(standards["T1"], "2026-10", "88", note="First go")
    c1 = add_value(standards["C1"], "2026-10", "9")
    client.force_login(steering_member)
    text = client.get(URL).content.decode()
    assert 'value="88"' in text and 'value="First go"' in text
    assert "have already been entered" in text
    client.post(
        URL,
        _data(
            standards,
            **{"T1-numerator": "", "T1-denominator": "", "T1-value": "93", "C1-value": ""},
        ),
    )
    t1 = PerformanceValue.objects.get(standard=standards["T1"])
    assert t1.value == Decimal(93)
    assert [h.value for h in t1.history.order_by("history_date")] == [Decimal(88), Decimal(93)]
    assert not PerformanceValue.objects.filter(pk=c1.pk).exists()  # cleared
    assert c1.history.latest().history_type == "-"


def test_viewer_and_action_owner_cannot_enter_figures(client, viewer, action_owner, standards):
    for user in (viewer, action_owner):
        client.force_login(user)
        assert client.post(URL, _data(standards)).status_code == 403
    assert not PerformanceValue.objects.exists()
