"""An import confirmed twice (two people, two tabs, a double click) is applied once, and the
second confirmation says so (finding 6; the simultaneous case runs under gunicorn in
tests/security/test_gunicorn.py)."""

from __future__ import annotations

import pytest

from actionplan.importing.apply import ImportAlreadyApplied, import_apply
from actionplan.models import Action, AppliedImport

pytestmark = pytest.mark.django_db

CSV = b"Theme,Action\n4,Imported action\n"


def test_the_same_upload_applied_twice_writes_once(plan, theme, steering_member, plan_admin):
    import_apply(plan=plan, filename="plan.csv", data=CSV, user=steering_member, token="t" * 32)
    with pytest.raises(ImportAlreadyApplied) as again:
        import_apply(plan=plan, filename="plan.csv", data=CSV, user=plan_admin, token="t" * 32)
    assert "plan.csv was already imported by sam.steering" in again.value.message
    assert Action.objects.filter(description="Imported action").count() == 1
    assert AppliedImport.objects.get().applied_by == steering_member


def test_an_import_without_a_token_is_not_remembered(plan, theme):
    import_apply(plan=plan, filename="plan.csv", data=CSV, user=None)
    assert not AppliedImport.objects.exists()
