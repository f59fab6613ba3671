"""Load the demo plans and one demo login per role. Running it again changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actionplan.demo import plan_load_from_data
from actionplan.extensions import demo_loaders
from actionplan.models import Action, Membership, Organisation, Owner, Plan, PlanMembership
from actionplan.organisations import OrganisationRole, PlanRole
from actionplan.services import save_with_history

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

OCC, SCDC = "oxfordshire", "south-cambridgeshire"
OCC_PLAN, SCDC_PLAN = "occ-customer-service-2004", "scdc-cse-action-plan-v4"

# username, password, full name, superuser, owner the login belongs to (organisation, name)
DEMO_USERS = [
    ("admin", "demo-admin-pass", "Alex Admin", True, None),
    ("chair", "demo-chair-pass", "Stephen Capaldi", False, None),
    ("owner", "demo-owner-pass", "RF", False, (SCDC, "RF")),
    ("viewer", "demo-viewer-pass", "Vera Viewer", False, None),
    ("scdc-admin", "demo-scdc-admin-pass", "Sam Cole", False, None),
    ("occ-chair", "demo-occ-chair-pass", "Olive Carter", False, None),
]
# What each demo login may do: (username, organisation, role across it) ...
DEMO_MEMBERSHIPS = [
    ("chair", SCDC, OrganisationRole.MEMBER),
    ("chair", OCC, OrganisationRole.MEMBER),
    ("owner", SCDC, OrganisationRole.ACTION_OWNER),
    ("viewer", SCDC, OrganisationRole.VIEWER),
    ("viewer", OCC, OrganisationRole.VIEWER),
    ("scdc-admin", SCDC, OrganisationRole.ORGANISATION_ADMINISTRATOR),
    ("occ-chair", OCC, OrganisationRole.STEERING_GROUP),
]
# ... and in single plans: the chair chairs one council's plan and only reads the other's.
DEMO_PLAN_ROLES = [
    ("chair", SCDC_PLAN, PlanRole.STEERING_GROUP),
    ("chair", OCC_PLAN, PlanRole.VIEWER),
]


class Command(BaseCommand):
    help = "Load the demo councils, their plans and the demo logins (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        User = get_user_model()
        users = {}
        for username, password, full_name, superuser, _ in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                first, _, last = full_name.partition(" ")
                user = User.objects.create_user(
                    username=username,
                    password=password,
                    # .invalid can never be delivered: safe for a demo that sends e-mail.
                    email=f"{username}@demo.invalid",
                    first_name=first,
                    last_name=last,
                    is_staff=superuser,
                    is_superuser=superuser,
                )
                self.stdout.write(f"Created demo login {username!r}.")
            users[username] = user
        actor = users["admin"]
        for path in sorted(FIXTURES.glob("plan_*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            slug = data["plan"]["slug"]
            if Plan.objects.filter(slug=slug).exists():
                self.stdout.write(f"{path.name}: plan {slug!r} is already loaded; left alone.")
                continue
            try:
                plan = plan_load_from_data(
                    data, user=actor, reason=f"Demo data loaded from fixtures/{path.name}"
                )
            except ValidationError as error:
                raise CommandError(f"{path.name}: {'; '.join(error.messages)}") from error
            count = Action.objects.for_plan(plan).count()
            self.stdout.write(f"{path.name}: loaded {plan} with {count} actions.")
        self._grant_roles(users, actor=users["admin"])
        for username, *_, owned in DEMO_USERS:
            if owned:
                organisation, owner_name = owned
                owner = Owner.objects.filter(
                    organisation__slug=organisation, name=owner_name, user__isnull=True
                ).first()
                if owner is not None:
                    owner.user = users[username]
                    owner.email = owner.email or users[username].email
                    save_with_history(
                        owner, user=users["admin"], reason="Demo login linked to its owner"
                    )
        # Standards, CSE and consultation demo data, registered by their apps.
        for loader in demo_loaders():
            for line in loader(user=actor):
                self.stdout.write(line)

    def _grant_roles(self, users: dict, *, actor) -> None:
        reason = "Demo role"
        for username, slug, role in DEMO_MEMBERSHIPS:
            organisation = Organisation.objects.get(slug=slug)
            if not Membership.objects.filter(user=users[username], organisation=organisation):
                membership = Membership(
                    user=users[username], organisation=organisation, role=role, granted_by=actor
                )
                save_with_history(membership, user=actor, reason=reason)
        for username, slug, role in DEMO_PLAN_ROLES:
            plan = Plan.objects.get(slug=slug)
            if not PlanMembership.objects.filter(user=users[username], plan=plan):
                grant = PlanMembership(user=users[username], plan=plan, role=role, granted_by=actor)
                save_with_history(grant, user=actor, reason=reason)
