"""Pinned query counts: a standard's page and the entry form cost the same for more data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from standards.models import StandardAction
from tests.conftest import make_action
from tests.standards.performance.conftest import add_value, make_standard


def _busy(project, size: int):
    standard = make_standard("B1")
    for n in range(size):
        add_value(standard, f"{2020 + n // 12}-{n % 12 + 1:02d}", str(80 + n % 10))
        add_value(standard, f"{2020 + n // 12}-{n % 12 + 1:02d}", "70", site=f"Site {n}")
    for n in range(min(size, 5)):
        action = make_action(project, reference=f"9({n})")
        StandardAction.objects.create(standard=standard, action=action)
    for n in range(size):
        make_standard(f"M{n}")
    return standard


# session, user, role groups (register access), the standard; its versions, its figures,
# linked actions, its history, the actions a member may link (the form's choices).
DETAIL_QUERIES = 9


@pytest.mark.parametrize("size", [1, 30])
def test_standard_page_query_count(
    client, steering_member, project, django_assert_num_queries, size
):
    standard = _busy(project, size)
    client.force_login(steering_member)
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(reverse("standard_detail", args=[standard.pk])).status_code == 200


# session, user, grants, the organisation, the standards with a period ending that month,
# their figures.
ENTRY_QUERIES = 6


@pytest.mark.parametrize("size", [1, 30])
def test_entry_form_query_count(client, steering_member, project, django_assert_num_queries, size):
    _busy(project, size)
    client.force_login(steering_member)
    with django_assert_num_queries(ENTRY_QUERIES):
        response = client.get(
            reverse("performance_enter", args=["test-council"]) + "?period=2020-01"
        )
    assert response.status_code == 200
