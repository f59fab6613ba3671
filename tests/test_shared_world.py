"""The world shared by a module's tests (tests/worlds.py) is as built for every one of them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from actionplan.models import Action, PublishedReport, UpdateRound


@pytest.mark.parametrize("turn", ["first", "second"])
def test_each_test_meets_the_shared_world_as_built_whatever_the_last_one_changed(
    client, shared_world, turn
):
    world = shared_world
    update_round = UpdateRound.objects.get(pk=world["round"][0])
    published = PublishedReport.objects.get(pk=world["published"][0])
    action = Action.objects.get(pk=world["action"][0])
    assert update_round.closed_at is None
    assert published.pdf.read() == b"%PDF-1.7"
    assert action.description == "Identify key customer contacts by reference to FAQs"
    assert not get_user_model().objects.filter(username="left.behind").exists()
    assert world.login("viewer").first_name == ""
    assert cache.get("left.behind") is None

    # Whichever turn runs first, it changes the world every way a test can.
    client.force_login(world.login("steering_member"))
    assert client.post(reverse("round_close", args=world["round"])).status_code == 302
    update_round.refresh_from_db()
    assert update_round.closed_at is not None
    published.pdf.delete(save=True)
    action.description = f"Changed by the {turn} test"
    action.save()
    get_user_model().objects.create_user(username="left.behind")
    viewer = world.login("viewer")
    viewer.first_name = "Changed"
    viewer.save()
    cache.set("left.behind", turn)
