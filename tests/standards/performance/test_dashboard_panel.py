"""The plan dashboard's standards panel: RAG counts of the latest figures, missed ones named."""

from __future__ import annotations

import re
from datetime import date

from django.urls import reverse

from actionplan.models import Plan
from tests.conftest import home_council
from tests.standards.performance.conftest import add_value, make_standard


def test_panel_counts_latest_figures_and_names_missed_standards(client, viewer, plan, standards):
    add_value(standards["T1"], "2026-10", "70")  # missed
    add_value(standards["C1"], "2026-10", "9")  # met
    make_standard("L1", title="Letters", channel="letters")  # no data
    other = Plan.objects.create(
        slug="other", title="Other", organisation=home_council(), status="adopted"
    )
    make_standard("Z1", title="Another plan's standard", plan=other)
    make_standard("OLD", title="Ended", effective_to=date(2020, 1, 1))
    client.force_login(viewer)
    text = client.get(reverse("plan_dashboard", args=[plan.slug])).content.decode()
    panel = text.split('id="standards"')[1]
    assert (
        "Latest figure of each of the 3 standards in force (the most recent is for October 2026)"
        in panel
    )
    cells = re.findall(r'header">([^<]+)</th>\s*<td[^>]*>(\d+)<', panel)
    assert cells == [("Missed", "1"), ("Just missed", "0"), ("Met", "1"), ("No data", "1")]
    assert "T1 Answering the telephone</a>: 70% in October 2026" in panel
    assert "Another plan" not in panel and "Ended" not in panel
    assert f'href="{reverse("standard_list", args=["test-council"])}"' in panel
