"""Every form, fed arbitrary input through the real views: never a server error, and either
the whole change or none of it.

Text of any Unicode (NUL bytes and lone surrogates' neighbours included), very long strings,
odd dates and numbers, choices that are not on the list and tampered hidden fields are posted
as a plan administrator. A refusal (the form again, 200) must leave every row of the database
as it was; an acceptance (a redirect) is a complete change. A server error fails the test
(the test client re-raises it).

The world and the personas are built once for the module (`shared_world`, tests/worlds.py);
each test meets them as built.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionplan.models import UpdateRound
from actionplan.rounds import round_close
from tests.security.fingerprint import changed_models, database_fingerprint
from tests.security.htmlforms import Form, _FormParser, main_form, post_forms
from tests.security.reference import reference_data_load
from tests.security.test_csrf import FORM_PAGES, _url

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Signing in is fuzzed by the login throttling's own tests (ten wrong answers lock it); the
# single sign-on button has no field (its provider's answers are tests/accounts' own).
FUZZED_FORMS = sorted(FORM_PAGES - {"login", "openid_connect_login"})

odd_dates = st.sampled_from(
    [
        "31/02/2026",
        "2026-13-01",
        "0000-00-00",
        "9999-12-31",
        "1-1-1",
        "29/02/2100",
        "yesterday",
        "Q5 2026/27",
        "Mid Smarch 2004",
        "-1",
        "1e309",
        "２０２６-０１-０１",
    ]
)
texts = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.just("\x00"),
    st.text(max_size=10).map(lambda t: t + "\x00" + t),
    st.integers(min_value=1_000, max_value=120_000).map(lambda n: "x" * n),
    odd_dates,
    st.integers().map(str),
    st.sampled_from(["", " ", "\t\n", "NaN", "-0", "None", "[]", "{}", "' OR 1=1 --"]),
)


KEEP = None  # send what the page shows at the time (its current version, say)


def _value(data: st.DataObject, form: Form, name: str, current: list[str] | None) -> list[str]:
    """Keep the page's own value, pick another listed choice, or send something strange."""
    kind = form.kinds.get(name, "text")
    keep = st.just(current)
    strange = texts.map(lambda t: [t])
    if kind in {"select", "radio", "checkbox"} and form.options.get(name):
        listed = st.sampled_from(form.options[name]).map(lambda v: [v])
        return data.draw(st.one_of(keep, listed, strange, st.just([])), label=name)
    return data.draw(st.one_of(keep, strange), label=name)


@pytest.fixture
def admin(shared_world) -> Client:
    client = Client()
    client.force_login(shared_world.login("plan_admin"))
    return client


@pytest.fixture
def open_world(shared_world):
    round_close(update_round=UpdateRound.objects.get(pk=shared_world["round"][0]), user=None)
    reference_data_load()
    return shared_world


@pytest.mark.parametrize("name", FUZZED_FORMS)
def test_any_input_to_a_form_is_a_clean_change_or_none(admin, open_world, name):
    url = _url(name, open_world)
    path = url.split("?")[0]

    shape = main_form(admin.get(url).content.decode(), path)
    names = [n for n in shape.data() if n != "csrfmiddlewaretoken"]
    outcomes: Counter[int] = Counter()

    @FUZZ
    @given(data=st.data())
    def post_anything(data: st.DataObject) -> None:
        # Drawn from the form as first shown, so every example draws the same way.
        drawn = {name: _value(data, shape, name, KEEP) for name in names}
        page = admin.get(url)
        forms = post_forms(page.content.decode(), path) if page.status_code == 200 else []
        if not forms:  # deleted, or a round now open, by an earlier example: nothing to fuzz
            return
        current = max(forms, key=lambda f: len(f.kinds)).data()
        sent = {
            name: current.get(name, []) if value is KEEP else value for name, value in drawn.items()
        }
        before = database_fingerprint()
        response = admin.post(url, sent)
        outcomes[response.status_code] += 1
        assert response.status_code in (200, 302, 403, 404), response.status_code
        if response.status_code != 302:
            assert changed_models(before, database_fingerprint()) == [], sent

    post_anything()
    # The fuzz reached the form's checks: some input was refused (and changed nothing).
    # A bare confirmation (delete a milestone) has nothing to refuse.
    assert outcomes[200] > 0 or not names, outcomes


@pytest.mark.parametrize("field", ["narrative", "new_target", "target_reason"])
def test_a_nul_byte_is_a_form_error_not_a_server_error(admin, shared_world, field):
    """PostgreSQL cannot store NUL in text; the form refuses it first, on any database."""
    url = reverse("action_progress", args=shared_world["action"])
    form = main_form(admin.get(url).content.decode(), url)
    data = form.data() | {"narrative": ["Progress"], field: ["before\x00after"]}
    before = database_fingerprint()
    response = admin.post(url, data)
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert changed_models(before, database_fingerprint()) == []


@pytest.mark.parametrize("name", ["plan_browse", "report_builder"])
def test_any_filter_or_report_option_is_answered_without_a_server_error(admin, shared_world, name):
    url = reverse(name, args=shared_world["plan"])
    parser = _FormParser()
    parser.feed(admin.get(url).content.decode())
    form = next(f for f in parser.forms if f.method == "get" and f.kinds)

    @FUZZ
    @given(data=st.data())
    def ask_anything(data: st.DataObject) -> None:
        query = {n: _value(data, form, n, v) for n, v in form.data().items()}
        before = database_fingerprint()
        response = admin.get(url, query)
        assert response.status_code in (200, 400), response.status_code
        assert changed_models(before, database_fingerprint()) == []

    ask_anything()
