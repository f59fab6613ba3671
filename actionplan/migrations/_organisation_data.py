"""Moves data that belonged to no organisation into organisations (migration 0006 and the
standards and consultation migrations that follow it). Kept beside the migrations that use it.

Plans named their council in a text field: each distinct name becomes an organisation. An owner
or unit used by the plans of several organisations is copied into each, and the rows of the
other organisations' plans point at their own copy, so nothing of one is shared with another.
Role groups become memberships of every organisation (what they gave before), then go.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.text import slugify

ROLE_GROUPS = {
    "Plan administrators": "plan_administrator",
    "Steering group": "steering_group",
    "Action owners": "action_owner",
    "Viewers": "viewer",
}
RANK = ["viewer", "action_owner", "steering_group", "plan_administrator"]


def _unique_slug(Organisation, name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _organisation(Organisation, name: str):
    name = name.strip() or "Council"
    found = Organisation.objects.filter(name=name).first()
    if found is None:
        found = Organisation.objects.create(name=name, slug=_unique_slug(Organisation, name))
    return found


def default_organisation(apps):
    """Where rows that no plan places go: the only (or first) organisation, made if none."""
    import os

    Organisation = apps.get_model("actionplan", "Organisation")
    first = Organisation.objects.order_by("pk").first()
    if first is not None:
        return first
    return _organisation(Organisation, os.environ.get("ACTIONPLAN_COUNCIL_NAME", "Council"))


def plans_forward(apps, schema_editor) -> None:
    Organisation = apps.get_model("actionplan", "Organisation")
    Plan = apps.get_model("actionplan", "Plan")
    HistoricalPlan = apps.get_model("actionplan", "HistoricalPlan")
    for plan in Plan.objects.order_by("pk"):
        organisation = _organisation(Organisation, plan.organisation)
        Plan.objects.filter(pk=plan.pk).update(organisation_ref=organisation)
        HistoricalPlan.objects.filter(id=plan.pk).update(organisation_ref_id=organisation.pk)
    for name in HistoricalPlan.objects.filter(organisation_ref_id__isnull=True).values_list(
        "organisation", flat=True
    ).distinct():
        organisation = _organisation(Organisation, name)
        HistoricalPlan.objects.filter(organisation_ref_id__isnull=True, organisation=name).update(
            organisation_ref_id=organisation.pk
        )


def _copy(model, row, **changes):
    fields = {
        f.attname: getattr(row, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key
    }
    fields.update(changes)
    return model.objects.create(**fields)


def owners_forward(apps, schema_editor) -> None:
    Unit = apps.get_model("actionplan", "Unit")
    Owner = apps.get_model("actionplan", "Owner")
    Action = apps.get_model("actionplan", "Action")
    ActionOwner = apps.get_model("actionplan", "ActionOwner")
    UpdateRequest = apps.get_model("actionplan", "UpdateRequest")
    GroupMembership = apps.get_model("actionplan", "GroupMembership")
    HistoricalOwner = apps.get_model("actionplan", "HistoricalOwner")
    HistoricalUnit = apps.get_model("actionplan", "HistoricalUnit")
    if not Owner.objects.exists() and not Unit.objects.exists():
        return
    default = default_organisation(apps).pk

    # Units: by the plans of the actions and the owners that use them.
    unit_uses: dict[int, set[int]] = defaultdict(set)
    for unit_id, org in Action.objects.filter(unit__isnull=False).values_list(
        "unit_id", "theme__plan__organisation_ref_id"
    ):
        unit_uses[unit_id].add(org)
    owner_uses: dict[int, set[int]] = defaultdict(set)
    for owner_id, org in ActionOwner.objects.values_list(
        "owner_id", "action__theme__plan__organisation_ref_id"
    ):
        owner_uses[owner_id].add(org)
    for owner_id, group_id, org in UpdateRequest.objects.values_list(
        "owner_id", "via_group_id", "round__plan__organisation_ref_id"
    ):
        owner_uses[owner_id].add(org)
        if group_id:
            owner_uses[group_id].add(org)
    # A group's members belong wherever the group does.
    for group_id, person_id in GroupMembership.objects.values_list("group_id", "person_id"):
        owner_uses[person_id] |= owner_uses[group_id]

    unit_in: dict[tuple[int, int], int] = {}  # (unit, organisation) → the unit row there
    for unit in Unit.objects.order_by("pk"):
        orgs = sorted(unit_uses.get(unit.pk) or {default})
        Unit.objects.filter(pk=unit.pk).update(organisation_id=orgs[0])
        HistoricalUnit.objects.filter(id=unit.pk).update(organisation_id=orgs[0])
        unit_in[(unit.pk, orgs[0])] = unit.pk
        for org in orgs[1:]:
            copy = _copy(Unit, unit, organisation_id=org)
            unit_in[(unit.pk, org)] = copy.pk
            Action.objects.filter(unit=unit, theme__plan__organisation_ref_id=org).update(
                unit=copy
            )

    owner_in: dict[tuple[int, int], int] = {}
    for owner in Owner.objects.order_by("pk"):
        orgs = sorted(owner_uses.get(owner.pk) or {default})
        first = orgs[0]
        unit_id = unit_in.get((owner.unit_id, first)) if owner.unit_id else None
        if owner.unit_id and unit_id is None:
            unit_id = None  # the unit serves another organisation only
        Owner.objects.filter(pk=owner.pk).update(organisation_id=first, unit_id=unit_id)
        HistoricalOwner.objects.filter(id=owner.pk).update(organisation_id=first)
        owner_in[(owner.pk, first)] = owner.pk
        for org in orgs[1:]:
            unit_there = unit_in.get((owner.unit_id, org)) if owner.unit_id else None
            copy = _copy(Owner, owner, organisation_id=org, unit_id=unit_there)
            owner_in[(owner.pk, org)] = copy.pk
            ActionOwner.objects.filter(
                owner=owner, action__theme__plan__organisation_ref_id=org
            ).update(owner=copy)
            UpdateRequest.objects.filter(owner=owner, round__plan__organisation_ref_id=org).update(
                owner=copy
            )
            UpdateRequest.objects.filter(
                via_group=owner, round__plan__organisation_ref_id=org
            ).update(via_group=copy)
    for membership in GroupMembership.objects.all():
        group = Owner.objects.get(pk=membership.group_id)
        for (original, org), copy_id in owner_in.items():
            if original != membership.group_id or copy_id == membership.group_id:
                continue
            person = owner_in.get((membership.person_id, org))
            if person is not None:
                GroupMembership.objects.get_or_create(group_id=copy_id, person_id=person)
        person_org = Owner.objects.get(pk=membership.person_id).organisation_id
        if person_org != group.organisation_id:
            mine = owner_in.get((membership.person_id, group.organisation_id))
            if mine is None:
                membership.delete()
            else:
                GroupMembership.objects.filter(pk=membership.pk).update(person_id=mine)


def roles_forward(apps, schema_editor) -> None:
    Group = apps.get_model("auth", "Group")
    Organisation = apps.get_model("actionplan", "Organisation")
    Membership = apps.get_model("actionplan", "Membership")
    organisations = list(Organisation.objects.all())
    best: dict[int, str] = {}
    for group in Group.objects.filter(name__in=ROLE_GROUPS):
        role = ROLE_GROUPS[group.name]
        for user_id in group.user_set.values_list("pk", flat=True):
            if RANK.index(role) > RANK.index(best.get(user_id, "viewer")) or user_id not in best:
                best[user_id] = role
    for user_id, role in best.items():
        for organisation in organisations:
            Membership.objects.get_or_create(
                user_id=user_id, organisation=organisation, defaults={"role": role}
            )
    Group.objects.filter(name__in=ROLE_GROUPS).delete()


def standards_forward(apps, schema_editor) -> None:
    """A standard belongs to its plan's organisation, else its owner's or service's."""
    Standard = apps.get_model("standards", "Standard")
    HistoricalStandard = apps.get_model("standards", "HistoricalStandard")
    if not Standard.objects.exists():
        return
    default = default_organisation(apps).pk
    for standard in Standard.objects.select_related("plan", "owner", "service"):
        linked = standard.plan or standard.owner or standard.service
        org = linked.organisation_id if linked is not None else default
        Standard.objects.filter(pk=standard.pk).update(organisation_id=org)
        HistoricalStandard.objects.filter(id=standard.pk).update(organisation_id=org)
        # An owner or service of another organisation is not this standard's any more.
        for name in ("owner", "service"):
            other = getattr(standard, name)
            if other is not None and other.organisation_id != org:
                Standard.objects.filter(pk=standard.pk).update(**{name: None})


def exercises_forward(apps, schema_editor) -> None:
    Exercise = apps.get_model("consultation", "Exercise")
    HistoricalExercise = apps.get_model("consultation", "HistoricalExercise")
    if not Exercise.objects.exists():
        return
    default = default_organisation(apps).pk
    for exercise in Exercise.objects.select_related("plan"):
        org = exercise.plan.organisation_id if exercise.plan_id else default
        Exercise.objects.filter(pk=exercise.pk).update(organisation_id=org)
        HistoricalExercise.objects.filter(id=exercise.pk).update(organisation_id=org)
