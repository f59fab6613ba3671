"""The standard's criteria and sub-criteria are in every database, and loading them is safe."""

from __future__ import annotations

import importlib

from django.apps import apps

from standards.cse.models import Criterion, SubCriterion
from standards.cse.reference import CRITERIA, cse_reference_load


def test_the_data_migration_loads_the_five_criteria_and_fifteen_sub_criteria(db):
    # Run the migration's own function on empty tables: transactional tests elsewhere in the
    # suite empty the database, so what the migration left behind cannot be relied on here.
    SubCriterion.objects.all().delete()
    Criterion.objects.all().delete()
    importlib.import_module("standards.migrations.0002_cse").load_criteria(apps, None)
    assert list(Criterion.objects.values_list("reference", "title")) == [
        ("1", "Customer Insight"),
        ("2", "The Culture of the Organisation"),
        ("3", "Information and Access"),
        ("4", "Delivery"),
        ("5", "Timeliness and Quality of Service"),
    ]
    refs = list(SubCriterion.objects.values_list("reference", flat=True))
    assert refs == [
        "1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "3.3", "3.4",
        "4.1", "4.2", "4.3", "5.1", "5.2", "5.3",
    ]  # fmt: skip
    assert SubCriterion.objects.get(reference="4.3").criterion.title == "Delivery"


def test_the_migration_loads_the_same_list_as_the_reference_module():
    migration = importlib.import_module("standards.migrations.0002_cse")
    assert [(n, t, list(subs)) for n, t, subs in CRITERIA] == migration.CRITERIA


def test_loading_again_changes_nothing_and_repairs_a_changed_title(db):
    SubCriterion.objects.filter(reference="3.3").update(title="Something else")
    cse_reference_load()
    cse_reference_load()
    assert Criterion.objects.count() == 5
    assert SubCriterion.objects.count() == 15
    assert SubCriterion.objects.get(reference="3.3").title == "Access"
