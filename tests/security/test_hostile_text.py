"""Hostile text typed into every text field of every form is shown as text, never run.

Each form of the site is filled as a plan administrator with HTML, script, event handlers and
attribute break-outs in every free-text field, and sent. The page that answers (the form again
with its errors, or where the save leads) and every page that shows the plan are then read
like a browser would: none may contain markup made from the text, and the text must be on
some page as readable text (so it was saved and shown, and the check means something).
Spreadsheets, CSV and PDF outputs are covered with the exports' own tests.

The world and the personas are built once for the module (`shared_world`, tests/worlds.py);
each test meets them as built.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionplan.models import UpdateRound
from actionplan.rounds import round_close
from tests.security.hostile import MARK, hostile_for, live_markup, shows_as_text
from tests.security.htmlforms import Form, main_form
from tests.security.reference import reference_data_load
from tests.security.test_csrf import FORM_PAGES, _url
from tests.test_access_matrix import PAGES

# Forms whose text is not shown anywhere afterwards: the login and password forms answer with
# themselves (checked), but keep nothing to show.
NOT_SHOWN = {
    "login",
    "password_change",
    "action_delete",
    "milestone_delete",
    "action_move",
    "password_reset",
}
# Forms with nothing to type: a button that starts a single sign-on at the (absent) provider.
NOTHING_TYPED = {"openid_connect_login"}
FIELD_ERROR = re.compile(r'id="id_([\w-]+)_error"')


@pytest.fixture
def admin(shared_world) -> Client:
    client = Client()
    client.force_login(shared_world.login("plan_admin"))
    return client


@pytest.fixture
def open_world(shared_world):
    """The access matrix's world, its round closed so that a new one can be opened."""
    round_close(update_round=UpdateRound.objects.get(pk=shared_world["round"][0]), user=None)
    reference_data_load()
    return shared_world


def _dates() -> dict[str, list[str]]:
    """Valid answers for the date fields an empty form leaves blank (a round's dates)."""
    today = timezone.localdate()
    return {
        "meeting_date": [(today + timedelta(days=21)).isoformat()],
        "deadline": [(today + timedelta(days=14)).isoformat()],
    }


def _answers(form: Form, name: str) -> list[list[str]]:
    """Plain valid answers to try, in turn, for a field the form refused: a listed choice,
    a date, a number."""
    listed = [value for value in form.options.get(name, []) if value]
    if listed:
        return [listed[:1]]
    if "email" in name:
        return [["someone@example.gov.uk"]]
    if name in _dates():
        return [_dates()[name]]
    today = [timezone.localdate().isoformat()]
    if any(word in name for word in ("date", "_on", "dated", "_at")):
        return [today]
    return [["1"], today, form.data().get(name, [])]


def _fill(form: Form, skip: set[str], stubborn: dict[str, int]) -> dict[str, list[str]]:
    """Hostile text in every free-text field, except those refused before (`skip`): they get
    the page's own value back, or, if that was refused too (`stubborn`), a plain answer."""
    data = form.data()
    for name, value in _dates().items():
        if name in data and not data[name][0]:
            data[name] = value
    for name in form.text_fields():
        text = hostile_for(form.maxlength.get(name))
        if text and name not in skip and name not in _dates():
            data[name] = [text]
    for name in skip:
        if name in stubborn:
            answers = _answers(form, name)
            data[name] = answers[stubborn[name] % len(answers)]
        else:
            data[name] = form.data().get(name, [])
    return data


def _display_pages(world) -> list[str]:
    urls = []
    for name, (_, args) in sorted(PAGES.items()):
        if name in FORM_PAGES:
            continue
        try:
            urls.append(reverse(name, args=world[args]))
        except KeyError:
            continue
    return urls


def _assert_inert(client: Client, url: str, response=None) -> str:
    response = response or client.get(url)
    html = response.content.decode()
    assert not live_markup(html), (url, live_markup(html))
    return html


@pytest.mark.parametrize("name", sorted(FORM_PAGES - NOTHING_TYPED))
def test_hostile_text_in_every_field_of_a_form_stays_text(admin, open_world, name):
    url = _url(name, open_world)
    path = url.split("?")[0]
    form = main_form(admin.get(url).content.decode(), path)
    if name == "login":
        admin.logout()
    skip: set[str] = set()
    stubborn: dict[str, int] = {}  # field → how many plain answers it has refused
    # Fields the form refuses (a reference pattern, an owner that must exist, a required
    # choice or date) get a plain valid answer, so the rest can be saved and shown.
    for _ in range(6):
        response = admin.post(url, _fill(form, skip, stubborn), follow=True)
        assert response.status_code in (200, 403, 404), (name, response.status_code)
        html = _assert_inert(admin, url, response)
        refused = set(FIELD_ERROR.findall(html))
        if response.redirect_chain:
            break
        for field in refused & skip:
            stubborn[field] = stubborn.get(field, -1) + 1
        skip |= refused
    if name in NOT_SHOWN or form.has_file:
        # Uploads are the import's and performance figures' own tests (untrusted files);
        # here their answer, with the text typed in, was checked above.
        return
    assert response.redirect_chain, f"{name} refused the text in every field: {sorted(skip)}"
    saved_in = {n for n in form.text_fields() if n not in skip and n not in _dates()}
    if not saved_in:  # a form of choices only (mapping actions to criteria): nothing to show
        return
    shown = [response.redirect_chain[-1][0]] if shows_as_text(html) else []
    shown += [
        url
        for url in _display_pages(open_world)
        if (page := admin.get(url))["Content-Type"].startswith("text/html")
        and shows_as_text(_assert_inert(admin, url, page))
    ]
    assert shown, f"the text sent through {name} ({sorted(saved_in)}) is not shown anywhere"


def test_hostile_text_in_the_report_builder_and_a_published_report_stays_text(admin, shared_world):
    world = shared_world
    url = reverse("report_builder", args=world["plan"])
    page = admin.get(url).content.decode()
    from tests.security.htmlforms import _FormParser

    parser = _FormParser()
    parser.feed(page)
    builder = next(f for f in parser.forms if f.method == "get" and f.text_fields())
    # The words of the report; the moments ("as at", "since") are dates, fuzzed elsewhere.
    words = {"committee", "title", "author"}
    assert words <= set(builder.text_fields())
    data = builder.data() | {word: [hostile_for(builder.maxlength.get(word))] for word in words}
    data["meeting_date"] = _dates()["meeting_date"]  # publishing needs the meeting's date
    response = admin.get(url, data)
    html = _assert_inert(admin, url, response)
    publish = next(
        (f for f in _publish_forms(html, world) if "csrfmiddlewaretoken" in f.fields), None
    )
    if publish is None:
        pytest.fail(f"the builder refused the hostile text: {FIELD_ERROR.findall(html)}")
    publish_url = reverse("report_publish", args=world["plan"])
    published = admin.post(publish_url, publish.data(), follow=True)
    _assert_inert(admin, url, published)
    listing = _assert_inert(admin, reverse("published_list", args=world["plan"]))
    # Shown on the report itself (its cover), and on the published list once it is made (at
    # once, or by the background worker where publishing is a job).
    assert shows_as_text(html)
    assert MARK in listing or shows_as_text(published.content.decode()) or published.redirect_chain


def _publish_forms(html: str, world) -> list[Form]:
    from tests.security.htmlforms import _FormParser

    parser = _FormParser()
    parser.feed(html)
    target = reverse("report_publish", args=world["plan"])
    return [f for f in parser.forms if f.method == "post" and f.action == target]


@pytest.mark.parametrize("name", ["plan_browse", "my_actions", "round_list", "published_list"])
def test_hostile_text_in_a_page_s_address_stays_text(admin, shared_world, name):
    from tests.security.hostile import LONG

    world = shared_world
    url = reverse(name, args=world[PAGES[name][1]])
    response = admin.get(url, {"q": LONG, "owner": LONG, "theme": LONG, "sort": LONG})
    assert response.status_code in (200, 400)
    _assert_inert(admin, url, response)
