"""The scrutiny report-back paper: each recommendation, its response and its actions' progress.

Built once as plain data (`build_paper`); the print page and the PDF render the same template
(templates/consultation/paper.html) and the PDF goes through the committee report's WeasyPrint
setup, whose fetcher serves only our own static files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from weasyprint import HTML

from actionplan.reporting.pdf import BASE_URL, PDF_VARIANT, StaticFilesFetcher
from consultation.models import Recommendation, Response, ScrutinyMeeting

PAPER_TEMPLATE = "consultation/paper.html"


@dataclass(frozen=True)
class PaperAction:
    reference: str
    description: str
    status: str
    status_label: str
    latest_update_on: date | None
    latest_update_text: str


@dataclass(frozen=True)
class PaperRecommendation:
    reference: str
    theme_heading: str
    text: str
    response: str
    response_label: str
    response_reasons: str
    report_back_as_written: str
    report_back_due: date | None
    reported_back_on: date | None
    is_overdue: bool
    actions: list[PaperAction]


@dataclass(frozen=True)
class Paper:
    body: str
    title: str
    meeting_date: date | None
    plan_title: str
    organisation: str
    today: date
    recommendations: list[PaperRecommendation]

    @property
    def response_counts(self) -> list[tuple[str, int]]:
        return [
            (label, sum(r.response == value for r in self.recommendations))
            for value, label in Response.choices
        ]


def build_paper(meeting: ScrutinyMeeting, *, today: date) -> Paper:
    """The meeting's recommendations with their actions' current status and latest progress."""
    rows = []
    for rec in Recommendation.objects.filter(meeting=meeting).with_links():
        actions = [
            PaperAction(
                reference=link.action.full_reference,
                description=link.action.description,
                status=link.action.status,
                status_label=link.action.get_status_display(),
                latest_update_on=link.action.latest_update_on,
                latest_update_text=link.action.latest_update_text or "",
            )
            for link in rec.recommendation_actions.all()
        ]
        rows.append(
            PaperRecommendation(
                reference=rec.reference,
                theme_heading=rec.theme_heading,
                text=rec.text,
                response=rec.response,
                response_label=rec.get_response_display(),
                response_reasons=rec.response_reasons,
                report_back_as_written=rec.report_back_as_written,
                report_back_due=rec.report_back_due,
                reported_back_on=rec.reported_back_on,
                is_overdue=rec.is_report_back_overdue(today),
                actions=actions,
            )
        )
    return Paper(
        body=meeting.body,
        title=meeting.title,
        meeting_date=meeting.meeting_date,
        plan_title=meeting.plan.title,
        organisation=meeting.plan.organisation.name,
        today=today,
        recommendations=rows,
    )


def paper_context(meeting: ScrutinyMeeting, *, today: date, for_pdf: bool = False) -> dict:
    return {
        "paper": build_paper(meeting, today=today),
        "council_name": meeting.plan.organisation.name,
        "for_pdf": for_pdf,
    }


def render_paper_pdf(meeting: ScrutinyMeeting, *, today: date) -> bytes:
    html = render_to_string(PAPER_TEMPLATE, paper_context(meeting, today=today, for_pdf=True))
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher())
    return document.write_pdf(pdf_variant=PDF_VARIANT)
