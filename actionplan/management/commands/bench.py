"""Measure the main pages at two plan sizes and print times and queries as ratios.

Run through `make bench`, which points DATABASE_URL at a throwaway SQLite file. Times are
medians of several requests through Django's test client (server time only, no network);
what matters is the ratio between the sizes, not the seconds on this machine. The two sizes
are asked for in turn (small, large, small, large …) so a busy moment of the machine falls on
both alike. Each page is timed with its cached fragments cleared before every request (what a
page costs after a write) and from the cache. Memory is never measured while timing.
"""

from __future__ import annotations

import csv
import io
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan import stamps
from actionplan.exports import (
    PLAN_SHEET_COLUMNS,
    PROGRESS_SHEET_COLUMNS,
    progress_as_at,
    report_plan_lines,
    report_workbook_bytes,
)
from actionplan.importing.benchmark import import_figures, row_limit_figures
from actionplan.importing.benchmark_council import council_figures
from actionplan.models import Action, Membership, Owner, Plan
from actionplan.organisations import OrganisationRole
from actionplan.reporting import Report, ReportOptions, build_report
from actionplan.reporting.pdf import render_report_html, render_report_pdf
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
        parser.add_argument(
            "--no-reports",
            dest="reports",
            action="store_false",
            help="Skip the committee report and workbook figures.",
        )
        parser.add_argument(
            "--full-pdf",
            action="store_true",
            help="Also time the full committee report's PDF at 5,000 actions (takes minutes).",
        )
        parser.add_argument(
            "--neighbour",
            action="store_true",
            help="Also time the small plan before and after a 20,000-action plan with 200,000 "
            "progress updates joins it in the database (builds it: minutes).",
        )
        parser.add_argument(
            "--only",
            choices=["pages", "reports", "workbooks", "imports", "councils"],
            help="Measure only the pages, the committee report PDFs, the workbooks, the "
            "spreadsheet import (imports: our workbook and councils' files) or councils' own "
            "sheets and Word tables.",
        )

    def handle(self, *args, **options) -> None:
        if "bench" not in str(settings.DATABASES["default"]["NAME"]):
            raise CommandError(
                "Run this through `make bench`: it needs its own throwaway database."
            )
        only = options["only"]
        wanted = {
            "pages": only in (None, "pages"),
            "reports": only == "reports" or (only is None and options["reports"]),
            "workbooks": only == "workbooks" or (only is None and options["reports"]),
            "imports": only == "imports" or (only is None and options["reports"]),
            "councils": only in ("imports", "councils") or (only is None and options["reports"]),
        }
        sizes = SIZES if wanted["pages"] else {"large": SIZES["large"]}
        plans = {name: self._plan(f"bench-{name}", *shape) for name, shape in sizes.items()}
        if wanted["pages"]:
            # A stamp for each plan, as every write through the application gives it, so its
            # pages are cached as in real use.
            stamps.bump(f"plan:{plan.pk}" for plan in plans.values())
            clients = {name: self._client(name, plan) for name, plan in plans.items()}
            for cached in (False, True):
                rows = []
                for label, url_for in self._pages():
                    urls = {name: url_for(plan) for name, plan in plans.items()}
                    rows.append((label, self._measure(clients, urls, options["repeat"], cached)))
                self._print(rows, plans, cached=cached)
            if options["neighbour"]:
                self._bench_neighbour(clients["small"], plans["small"], options["repeat"])
        if wanted["reports"]:
            self._bench_reports(plans["large"], full=options["full_pdf"])
        if wanted["workbooks"]:
            medium = self._plan("bench-medium", 5, 10, 10, 10, 50)
            self._bench_workbooks({"medium": medium, "large": plans["large"]})
        if wanted["imports"]:
            medium = self._plan("bench-medium", 5, 10, 10, 10, 50)
            import_figures([medium, plans["large"]], self.stdout.write)
            row_limit_figures(medium, self.stdout.write)
        if wanted["councils"]:
            medium = self._plan("bench-medium", 5, 10, 10, 10, 50)
            council_figures([medium, plans["large"]], self.stdout.write)

    def _plan(
        self, slug: str, themes: int, projects: int, actions: int, updates: int, owners: int
    ) -> Plan:
        """The synthetic plan of this shape, built the first time (kept in the bench database)."""
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            started = time.perf_counter()
            plan = build_plan(
                slug=slug,
                themes=themes,
                projects_per_theme=projects,
                actions_per_project=actions,
                updates_per_action=updates,
                owners=owners,
            )
            self.stdout.write(f"built {slug} in {time.perf_counter() - started:.0f} s")
        return plan

    def _client(self, name: str, plan: Plan) -> Client:
        """A steering-group member who is also the plan's first officer, for My actions."""
        user, _ = get_user_model().objects.get_or_create(username=f"bench-{name}")
        Membership.objects.get_or_create(
            user=user,
            organisation_id=plan.organisation_id,
            defaults={"role": OrganisationRole.STEERING_GROUP},
        )
        officer = Owner.objects.get(name=f"{plan.slug} officer 0")
        officer.user = user
        officer.save()
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        return client

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
            (
                # Every RAG, by target: the filters and sort at work, but a full page of 50 rows
                # at both sizes (the line above shows 4 rows at 50 actions and 50 at 5,040).
                "filtered, 50 rows each",
                lambda p: (
                    reverse("plan_browse", args=[p.slug])
                    + "?rag=red&rag=amber&rag=green&rag=none&sort=target"
                ),
            ),
            ("action page", lambda p: reverse("action_detail", args=[first_action(p)])),
            ("my actions", lambda p: reverse("my_actions")),
        ]

    def _measure(
        self, clients: dict[str, Client], urls: dict[str, str], repeat: int, cached: bool
    ) -> dict[str, tuple[float, int, int]]:
        """Median ms, queries and bytes of each URL, asked for in turn (A, B, A, B …)."""
        times: dict[str, list[float]] = {name: [] for name in urls}
        queries: dict[str, int] = {}
        sizes: dict[str, int] = {}
        for name, url in urls.items():  # warm the caches and check the page works
            response = clients[name].get(url)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            sizes[name] = len(response.content)
            # Queries counted on a request of their own: capturing them slows the timed ones.
            if not cached:
                cache.clear()
            with CaptureQueriesContext(connection) as captured:
                clients[name].get(url)
            queries[name] = len(captured)
        for _ in range(repeat):
            for name, url in urls.items():
                if not cached:
                    cache.clear()
                started = time.perf_counter()
                response = clients[name].get(url)
                times[name].append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
        return {
            name: (statistics.median(times[name]) * 1000, queries[name], sizes[name])
            for name in urls
        }

    def _print(self, rows, plans, *, cached: bool) -> None:
        sizes = {name: Action.objects.for_plan(plan).count() for name, plan in plans.items()}
        small, large = sizes["small"], sizes["large"]
        how = "from the cache" if cached else "cache cleared before each request (after a write)"
        self.stdout.write(
            f"\nplan sizes: {small} and {large} actions ({large / small:.0f}x), "
            f"sizes interleaved, medians; {how}\n"
        )
        header = (
            f"{'page':<24}{'ms @' + str(small):>10}{'ms @' + str(large):>12}"
            f"{'time ratio':>12}{'queries':>10}{'queries':>10}{'KB':>8}  goal: ratio <= 1.5"
        )
        self.stdout.write(header)
        for label, measured in rows:
            (t_small, q_small, b_small), (t_large, q_large, _) = (
                measured["small"],
                measured["large"],
            )
            ratio = t_large / t_small if t_small else float("inf")
            verdict = "ok" if ratio <= 1.5 and q_small == q_large else "over"
            self.stdout.write(
                f"{label:<24}{t_small:>10.1f}{t_large:>12.1f}{ratio:>12.2f}"
                f"{q_small:>10}{q_large:>10}{b_small / 1024:>8.0f}  {verdict}"
            )

    def _bench_neighbour(self, client: Client, small: Plan, repeat: int) -> None:
        """The small plan's pages (cache cleared) alone, beside a 20,000-action plan, and alone
        again once that plan is rolled back: "beside" is compared with the mean of the two
        "alone" runs, so a change in the machine's load during the run falls on both sides."""
        urls = {label: url_for(small) for label, url_for in self._pages()}

        def measure() -> dict[str, tuple[float, int, int]]:
            return {
                label: self._measure({"small": client}, {"small": url}, repeat, False)["small"]
                for label, url in urls.items()
            }

        before = measure()
        with transaction.atomic():
            self._plan("bench-neighbour", 12, 10, 167, 10, 200)
            beside = measure()
            transaction.set_rollback(True)
        after = measure()
        self.stdout.write(
            f"\n{Action.objects.for_plan(small).count()}-action plan alone, beside a "
            "20,040-action plan (200,400 updates), then alone again once it is rolled back; "
            "cache cleared before each request"
        )
        self.stdout.write(
            f"{'page':<24}{'ms alone':>10}{'ms beside':>11}{'ms alone':>10}{'ratio':>8}"
            f"{'queries':>9}  goal: beside / mean alone <= 1.2, same queries"
        )
        for label in urls:
            (t0, q0, _), (t1, q1, _), (t2, q2, _) = before[label], beside[label], after[label]
            alone = (t0 + t2) / 2
            ratio = t1 / alone if alone else float("inf")
            verdict = "ok" if ratio <= 1.2 and q0 == q1 == q2 else "over"
            self.stdout.write(
                f"{label:<24}{t0:>10.1f}{t1:>11.1f}{t2:>10.1f}{ratio:>8.2f}{q1:>9}  {verdict}"
            )

    def _bench_reports(self, plan: Plan, *, full: bool) -> None:
        """Report PDFs at about 5,000 actions: our part (queries, rebuild, template) vs layout.

        The exceptions report always; the full report (hundreds of pages) only when asked.
        """
        self.stdout.write(f"\ncommittee report, {Action.objects.for_plan(plan).count()} actions")
        self.stdout.write(
            f"{'report':<14}{'queries':>8}{'build s':>9}{'html s':>8}{'pdf s':>8}"
            f"{'pages':>7}{'ours %':>8}  goal: ours <= 15%"
        )
        kinds = [("exceptions", True), ("full", False)] if full else [("exceptions", True)]
        for label, exceptions in kinds:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                report = build_report(plan=plan, exceptions_only=exceptions)
                built = time.perf_counter() - started
            options = ReportOptions(title=f"Bench {label} report")
            started = time.perf_counter()
            render_report_html(report, options, for_pdf=True)
            html = time.perf_counter() - started
            started = time.perf_counter()
            pdf = render_report_pdf(report, options)
            total = time.perf_counter() - started + built
            pages = _page_count(pdf)
            ours = (built + html) / total * 100
            self.stdout.write(
                f"{label:<14}{len(queries):>8}{built:>9.2f}{html:>8.2f}{total:>8.1f}"
                f"{pages:>7}{ours:>7.0f}%  {'ok' if ours <= 15 else 'over'}"
            )

    def _bench_workbooks(self, plans: dict[str, Plan]) -> None:
        """Workbook time and peak memory against writing the same rows with the csv module.

        Times are CPU seconds of this process (SQLite runs in it), steadier than wall time on
        a shared machine, taken without tracemalloc (it slows allocation-heavy code several
        times); the peak is measured in a second run. The csv module writes the same values of the
        same Plan and Progress rows, read the same way, so the ratio is the cost of the .xlsx.
        """
        self.stdout.write("\nworkbook (Plan, Progress, Summary sheets) vs csv module, same rows")
        self.stdout.write(
            f"{'actions':>8}{'rows':>8}{'queries':>8}{'xlsx cpu s':>11}{'csv cpu s':>10}"
            f"{'ratio':>7}{'peak MiB':>10}{'file MiB':>10}  goal: ratio <= 8, memory about flat"
        )
        for plan in plans.values():
            report = build_report(plan=plan)
            with CaptureQueriesContext(connection) as queries:
                started = time.process_time()
                workbook = report_workbook_bytes(report, ReportOptions())
                xlsx = time.process_time() - started
            tracemalloc.start()
            report_workbook_bytes(report, ReportOptions())
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            started = time.process_time()
            rows = _csv_rows(report)
            plain = time.process_time() - started
            ratio = xlsx / plain if plain else float("inf")
            self.stdout.write(
                f"{len(list(report.rows())):>8}{rows:>8}{len(queries):>8}{xlsx:>11.2f}"
                f"{plain:>10.2f}{ratio:>7.1f}{peak:>10.1f}{len(workbook) / 2**20:>10.1f}"
                f"  {'ok' if ratio <= 8 else 'over'}"
            )


def _csv_rows(report: Report) -> int:
    """The workbook's Plan and Progress rows written with the csv module; returns the count."""
    writer = csv.writer(io.StringIO())
    count = 0
    for line in report_plan_lines(report):
        writer.writerow([column.value(line) for column in PLAN_SHEET_COLUMNS])
        count += 1
    for line in progress_as_at(report):
        writer.writerow([column.value(line) for column in PROGRESS_SHEET_COLUMNS])
        count += 1
    return count


def _page_count(pdf: bytes) -> int:
    """Pages of a PDF, as poppler's pdfinfo reads them."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, check=True)
    return int(
        next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    )
