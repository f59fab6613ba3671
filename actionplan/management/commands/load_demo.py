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
from actionplan.models import Action, Owner, Plan
from actionplan.roles import (
    ACTION_OWNER,
    PLAN_ADMINISTRATOR,
    STEERING_GROUP,
    VIEWER,
    ensure_roles,
)
from consultation.demo import consultation_load_demo
from standards.cse_demo import cse_demo_load
from standards.demo import standards_load_demo

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

# username, password, full name, role, superuser, owner the login belongs to (by name)
DEMO_USERS = [
    ("admin", "demo-admin-pass", "Alex Admin", PLAN_ADMINISTRATOR, True, None),
    ("chair", "demo-chair-pass", "Stephen Capaldi", STEERING_GROUP, False, None),
    ("owner", "demo-owner-pass", "RF", ACTION_OWNER, False, "RF"),
    ("viewer", "demo-viewer-pass", "Vera Viewer", VIEWER, False, None),
]


class Command(BaseCommand):
    help = "Load the demo plans from fixtures/plan_*.json and the demo logins (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        groups = ensure_roles()
        User = get_user_model()
        users = {}
        for username, password, full_name, role, superuser, _ in DEMO_USERS:
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
                    is_staff=role in (PLAN_ADMINISTRATOR, STEERING_GROUP),
                    is_superuser=superuser,
                )
                self.stdout.write(f"Created demo login {username!r} ({role}).")
            user.groups.add(groups[role])
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
        for slug in cse_demo_load(user=actor):
            self.stdout.write(f"cse_demo.json: CSE mapping, assessment and evidence for {slug!r}.")
        for username, *_, owner_name in DEMO_USERS:
            if owner_name:
                owner = Owner.objects.filter(name=owner_name, user__isnull=True).first()
                if owner is not None:
                    owner.user = users[username]
                    owner.email = owner.email or users[username].email
                    owner._history_user = actor
                    owner._change_reason = "Demo login linked to its owner"
                    owner.save()
        self.stdout.write("\n".join(consultation_load_demo(user=actor)))
        self.stdout.write(f"Standards: {standards_load_demo(user=actor)} demo figures loaded.")
