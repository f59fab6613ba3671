"""Measure the main pages at two plan sizes and print times and queries as ratios.

Run through `make bench`, which points DATABASE_URL at a throwaway SQLite file. Times are
medians of several requests through Django's test client (server time only, no network);
what matters is the ratio between the sizes, not the seconds on this machine.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.models import Action, Owner, Plan
from actionplan.roles import STEERING_GROUP, ensure_roles
from actionplan.synthetic import build_plan

SIZES = {
    # name: themes, projects per theme, actions per project, updates per action, owners
    "small": (2, 5, 5, 10, 20),
    "large": (12, 10, 42, 10, 500),
}


class Command(BaseCommand):
    help = "Benchmark the dashboard, plan browser, action page and My actions at two sizes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--repeat", type=int, default=15, help="Requests per page and size.")

    def handle(self, *args, **options) -> None:
        if "bench" not in str(settings.DATABASES["default"]["NAME"]):
            raise CommandError(
                "Run this through `make bench`: it needs its own throwaway database."
            )
        steering = ensure_roles()[STEERING_GROUP]
        plans, clients = {}, {}
        for name, (themes, projects, actions, updates, owners) in SIZES.items():
            plan = Plan.objects.filter(slug=f"bench-{name}").first()
            if plan is None:
                started = time.perf_counter()
                plan = build_plan(
                    slug=f"bench-{name}",
                    themes=themes,
                    projects_per_theme=projects,
                    actions_per_project=actions,
                    updates_per_action=updates,
                    owners=owners,
                )
                self.stdout.write(f"built {name} plan in {time.perf_counter() - started:.0f} s")
            plans[name] = plan
            # A steering-group member who is also the plan's first officer, for My actions.
            user, _ = get_user_model().objects.get_or_create(username=f"bench-{name}")
            user.groups.add(steering)
            officer = Owner.objects.get(name=f"{plan.slug} officer 0")
            officer.user = user
            officer.save()
            clients[name] = Client(HTTP_HOST="localhost")
            clients[name].force_login(user)
        rows = []
        for label, url_for in self._pages():
            measured = {
                name: self._measure(clients[name], url_for(plan), options["repeat"])
                for name, plan in plans.items()
            }
            rows.append((label, measured))
        self._print(rows, plans)

    def _pages(self) -> list[tuple[str, Callable[[Plan], str]]]:
        def first_action(plan: Plan) -> int:
            return Action.objects.for_plan(plan).order_by("pk").values_list("pk", flat=True)[0]

        return [
            ("dashboard", lambda p: reverse("plan_dashboard", args=[p.slug])),
            ("plan browser", lambda p: reverse("plan_browse", args=[p.slug])),
            (
                "plan browser, filtered",
                lambda p: (
                    reverse("plan_browse", args=[p.slug]) + "?status=at_risk&rag=red&sort=target"
                ),
            ),
            ("action page", lambda p: reverse("action_detail", args=[first_action(p)])),
            ("my actions", lambda p: reverse("my_actions")),
        ]

    def _measure(self, client: Client, url: str, repeat: int) -> tuple[float, int, int]:
        response = client.get(url)  # warm caches and check the page works
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000, len(queries), len(response.content)

    def _print(self, rows, plans) -> None:
        sizes = {name: Action.objects.for_plan(plan).count() for name, plan in plans.items()}
        small, large = sizes["small"], sizes["large"]
        self.stdout.write(f"\nplan sizes: {small} and {large} actions ({large / small:.0f}x)\n")
        header = (
            f"{'page':<24}{'ms @' + str(small):>10}{'ms @' + str(large):>12}"
            f"{'time ratio':>12}{'queries':>10}{'queries':>10}  goal: ratio <= 1.5"
        )
        self.stdout.write(header)
        for label, measured in rows:
            (t_small, q_small, _), (t_large, q_large, _) = measured["small"], measured["large"]
            ratio = t_large / t_small if t_small else float("inf")
            verdict = "ok" if ratio <= 1.5 and q_small == q_large else "over"
            self.stdout.write(
                f"{label:<24}{t_small:>10.1f}{t_large:>12.1f}{ratio:>12.2f}"
                f"{q_small:>10}{q_large:>10}  {verdict}"
            )
