"""Customer Service Excellence (CSE): the standard's criteria, evidence, self-assessments and
how a plan's themes and actions answer the criteria.

The criteria and sub-criteria are reference data (standards/cse/reference.py, loaded by a data
migration). Everything a steering group records is per plan and keeps its history; links
between objects are through models with their own history, so who linked what and when shows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from actionplan.models import Action, Plan, Theme
from consultation.models import Exercise
from standards.models import Standard


class Criterion(models.Model):
    """One of the five criteria of the CSE standard, e.g. "1 Customer Insight"."""

    reference = models.CharField(max_length=5, unique=True)
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "reference"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class SubCriterion(models.Model):
    """A sub-criterion of the standard, e.g. "1.1 Customer Identification"."""

    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="sub_criteria")
    reference = models.CharField(max_length=10, unique=True)
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__position", "position", "reference"]
        verbose_name_plural = "sub-criteria"

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Compliance(models.TextChoices):
    """How far the organisation meets a sub-criterion, as CSE assessors grade it."""

    NONE = "none", "No compliance"
    SOME = "some", "Some compliance"
    PARTIAL = "partial", "Partial compliance"
    FULL = "full", "Full compliance"


class AssessmentKind(models.TextChoices):
    SELF = "self", "Self-assessment"
    ASSESSOR = "assessor", "Assessment by an accredited assessor"


class Assessment(models.Model):
    """A dated assessment of a plan's organisation against the standard (self or assessor)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="cse_assessments")
    assessed_on = models.DateField("date of assessment")
    kind = models.CharField(
        "type of assessment",
        max_length=10,
        choices=AssessmentKind.choices,
        default=AssessmentKind.SELF,
    )
    assessor = models.CharField(
        "who assessed", max_length=200, blank=True, help_text="A name, team or assessing body."
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-assessed_on", "-id"]
        get_latest_by = ["assessed_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.assessed_on:%d/%m/%Y}"


class Rating(models.Model):
    """One sub-criterion's rating in one assessment, with the assessor's note."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    sub_criterion = models.ForeignKey(
        SubCriterion, on_delete=models.PROTECT, related_name="ratings"
    )
    compliance = models.CharField(max_length=10, choices=Compliance.choices)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "sub_criterion__criterion__position", "sub_criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "sub_criterion"],
                name="cse_rating_once_per_assessment",
                violation_error_message="This sub-criterion is already rated in this assessment.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sub_criterion.reference}: {self.get_compliance_display()}"


class Evidence(models.Model):
    """Something that shows the organisation meets a sub-criterion: a report, survey, page."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="cse_evidence")
    title = models.CharField(max_length=200)
    text = models.TextField("what it shows")
    url = models.URLField("link", blank=True, max_length=500)
    dated = models.DateField("date of the evidence")
    note = models.TextField(
        blank=True, help_text="Where the evidence comes from, or that it is demo data."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-dated", "-id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title


class EvidenceSubCriterion(models.Model):
    """Evidence recorded against a sub-criterion."""

    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="sub_criterion_links"
    )
    sub_criterion = models.ForeignKey(
        SubCriterion, on_delete=models.PROTECT, related_name="evidence_links"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["evidence", "sub_criterion__criterion__position", "sub_criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "sub_criterion"],
                name="cse_evidence_sub_criterion_once",
                violation_error_message="This evidence is already linked to this sub-criterion.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence} supports {self.sub_criterion}"


class EvidenceAction(models.Model):
    """A plan action the evidence comes from or supports."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="action_links")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="cse_evidence_links")
    history = HistoricalRecords()

    class Meta:
        ordering = ["evidence", "action"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "action"],
                name="cse_evidence_action_once",
                violation_error_message="This evidence is already linked to this action.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence} for action {self.action_id}"


class EvidenceStandard(models.Model):
    """A service standard whose performance is the evidence."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="standard_links")
    standard = models.ForeignKey(
        Standard, on_delete=models.CASCADE, related_name="cse_evidence_links"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["evidence", "standard"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "standard"],
                name="cse_evidence_standard_once",
                violation_error_message="This evidence is already linked to this standard.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence} from standard {self.standard}"


class EvidenceExercise(models.Model):
    """A consultation exercise the evidence draws on."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="exercise_links")
    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="cse_evidence_links"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["evidence", "exercise"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "exercise"],
                name="cse_evidence_exercise_once",
                violation_error_message="This evidence is already linked to this consultation.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence} from {self.exercise}"


class ThemeCriterion(models.Model):
    """A plan theme that works towards a criterion, so its actions count for that criterion."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="cse_criterion_links")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="theme_links")
    note = models.CharField(
        max_length=300, blank=True, help_text="Why the theme maps here, e.g. a demo mapping."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["theme", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "criterion"],
                name="cse_theme_criterion_once",
                violation_error_message="This theme is already mapped to this criterion.",
            ),
        ]

    def __str__(self) -> str:
        return f"Theme {self.theme} answers criterion {self.criterion}"


class ActionSubCriterion(models.Model):
    """A plan action that directly addresses a sub-criterion, whatever its theme."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="cse_sub_criterion_links"
    )
    sub_criterion = models.ForeignKey(
        SubCriterion, on_delete=models.PROTECT, related_name="action_links"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "sub_criterion__criterion__position", "sub_criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "sub_criterion"],
                name="cse_action_sub_criterion_once",
                violation_error_message="This action is already linked to this sub-criterion.",
            ),
        ]

    def __str__(self) -> str:
        return f"Action {self.action_id} answers {self.sub_criterion}"
