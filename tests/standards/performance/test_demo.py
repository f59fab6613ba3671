"""Demo standards: 2004 corporate standards revised at the 2012 launch, demo figures labelled."""

from __future__ import annotations

import io
from datetime import date

from django.core.management import call_command

from actionplan.models import Organisation
from standards.demo import standards_load_demo
from standards.models import PerformanceValue, Standard, StandardAction


def test_demo_standards_load_once_with_labelled_figures(db):
    assert standards_load_demo(user=None) == 0  # nothing without the council they belong to
    Organisation.objects.create(slug="oxfordshire", name="Oxfordshire County Council")
    saved = standards_load_demo(user=None)
    assert saved >= 100
    t1 = Standard.objects.filter(reference="T1").order_by("effective_from")
    assert [s.effective_from for s in t1] == [date(2005, 1, 1), date(2012, 7, 2)]
    assert t1[0].effective_to == date(2012, 7, 1)
    assert "launched" in t1[1].history.earliest().history_change_reason
    assert all(s.note.startswith("Demo figures") for s in Standard.objects.all())
    months = PerformanceValue.objects.filter(standard__reference="T1").count()
    assert months >= 12
    assert all(v.note.startswith("Demo figure") for v in PerformanceValue.objects.all())
    assert standards_load_demo(user=None) == 0  # idempotent


def test_load_demo_command_links_the_2004_plan_actions(db):
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    links = StandardAction.objects.select_related("action", "standard")
    assert any(link.action.description.startswith("Define standards") for link in links)
    assert Standard.objects.filter(published=False).exists()  # F1 stays off the public page
