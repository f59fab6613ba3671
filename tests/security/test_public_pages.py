"""What someone who is not signed in can read: the public pages, and nothing of any plan."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.test_access_matrix import PAGES, POSTS, REFUSED


@pytest.fixture
def secrets(world, plan, theme, project, action, people) -> list[str]:
    plan.title = "Northshire Customer Access Plan"  # not the service's own name
    plan.save()
    return [plan.title, theme.title, project.title, action.description, people["PW"].name]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_nothing_of_a_plan_reaches_someone_not_signed_in(client, world, secrets, name):
    kind, args = PAGES[name]
    url = reverse(name, args=world[args])
    response = client.get(url)
    body = b"".join(response) if response.streaming else response.content
    text = body.decode(errors="replace")
    if kind == REFUSED:  # the single sign-on callback: a visit it did not start is refused
        assert response.status_code == 403
    elif kind == "public":
        assert response.status_code == 200
        if args:
            # A plan's own public page (you said, we did) shows what was published, on purpose;
            # its app's tests check that only published items appear.
            return
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    for secret in secrets:
        assert secret not in text, (name, secret)


@pytest.mark.parametrize("name", sorted(POSTS))
def test_a_post_from_someone_not_signed_in_reveals_nothing(client, world, secrets, name):
    response = client.post(reverse(name, args=world[POSTS[name][1]]))
    text = response.content.decode(errors="replace")
    for secret in secrets:
        assert secret not in text, (name, secret)
