"""The public "Our standards and how we did" page: no sign-in, published data only."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from tests.standards.performance.conftest import add_value, make_standard

URL = reverse("standards_public", args=["test-council"])


def test_anyone_sees_published_standards_with_latest_published_figure(client, standards):
    add_value(standards["T1"], "2026-09", "92")
    add_value(standards["T1"], "2026-10", "84")
    text = client.get(URL).content.decode()
    assert "Our standards and how we did" in text
    assert "84% against a target of 90% or more" in text
    assert "Missed" in text  # 6 short, past the tolerance of 5: in words, not colour only
    assert "Getting worse" in text
    assert 'role="img"' in text and "The figures in this chart" in text


def test_unpublished_standards_never_appear(client, standards):
    secret = make_standard("S9", title="Secret standard", published=False)
    add_value(secret, "2026-10", "12", published=True)
    text = client.get(URL).content.decode()
    assert "Secret standard" not in text and "S9" not in text and "12%" not in text


def test_unpublished_figures_never_appear(client, standards):
    add_value(standards["T1"], "2026-09", "92.25")
    add_value(standards["T1"], "2026-10", "47.75", published=False, note="Draft, do not publish")
    text = client.get(URL).content.decode()
    assert "92.25%" in text and "September 2026" in text
    assert "47.75" not in text and "October 2026" not in text and "Draft" not in text


def test_ended_standards_do_not_appear(client, standards):
    old = make_standard("OLD1", title="Old promise", effective_to=date(2020, 1, 1))
    add_value(old, "2019-12", "99")
    assert "Old promise" not in client.get(URL).content.decode()


def test_public_page_shows_no_links_that_need_sign_in(client, standards):
    text = client.get(URL).content.decode()
    for url in (
        reverse("standard_list", args=["test-council"]),
        reverse("my_actions"),
        reverse("password_change"),
        reverse("performance_enter", args=["test-council"]),
    ):
        assert f'href="{url}"' not in text


def test_public_page_query_count_is_fixed(client, django_assert_num_queries, standards):
    for reference in ("A1", "A2", "A3", "A4"):
        standard = make_standard(reference)
        for m in range(1, 11):
            add_value(standard, f"2026-{m:02d}", str(80 + m))
    # the organisation, its plans and their change stamps (the content is cached under them),
    # standards, values (no session or user: anonymous)
    with django_assert_num_queries(5):
        assert client.get(URL).status_code == 200
