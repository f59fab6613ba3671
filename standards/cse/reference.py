"""The Customer Service Excellence standard's criteria and sub-criteria: reference data.

Numbers and titles are those the public standard uses (Cabinet Office, 2008; seed 003 quotes
several of them). Elements are left out: an assessment here rates sub-criteria.
The data migration standards/0002_cse keeps a frozen copy of this list, so every install
has the same rows; `cse_reference_load` makes the database match it and is safe to run again
(tests that empty the database between cases call it).
"""

from __future__ import annotations

# (criterion number, title, [(sub-criterion reference, title), ...])
CRITERIA: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "1",
        "Customer Insight",
        [
            ("1.1", "Customer Identification"),
            ("1.2", "Engagement and Consultation"),
            ("1.3", "Customer Satisfaction"),
        ],
    ),
    (
        "2",
        "The Culture of the Organisation",
        [
            ("2.1", "Leadership, Policy and Culture"),
            ("2.2", "Staff Professionalism and Attitude"),
        ],
    ),
    (
        "3",
        "Information and Access",
        [
            ("3.1", "Range of Information"),
            ("3.2", "Quality of Information"),
            ("3.3", "Access"),
            ("3.4", "Co-operative Working with Other Providers, Partners and Communities"),
        ],
    ),
    (
        "4",
        "Delivery",
        [
            ("4.1", "Delivery Standards"),
            ("4.2", "Achieved Delivery and Outcomes"),
            ("4.3", "Deal Effectively with Problems"),
        ],
    ),
    (
        "5",
        "Timeliness and Quality of Service",
        [
            ("5.1", "Standards for Timeliness and Quality"),
            ("5.2", "Timely Outcomes"),
            ("5.3", "Achieved Timely Delivery"),
        ],
    ),
]


def load_reference(criterion_model, sub_criterion_model, criteria=CRITERIA) -> None:
    """Create or correct every criterion and sub-criterion; works on migration models too."""
    for position, (number, title, subs) in enumerate(criteria):
        criterion, _ = criterion_model.objects.update_or_create(
            reference=number, defaults={"title": title, "position": position}
        )
        for sub_position, (reference, sub_title) in enumerate(subs):
            sub_criterion_model.objects.update_or_create(
                reference=reference,
                defaults={"criterion": criterion, "title": sub_title, "position": sub_position},
            )


def cse_reference_load() -> None:
    """Make the live database hold the standard's criteria (idempotent)."""
    from standards.cse.models import Criterion, SubCriterion

    load_reference(Criterion, SubCriterion)
