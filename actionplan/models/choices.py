"""The choices a plan's rows take: plan and theme kinds, delivery status, RAG, owners."""

from __future__ import annotations

from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ADOPTED = "adopted", "Adopted"
    ARCHIVED = "archived", "Archived"


class ThemeKind(models.TextChoices):
    KEY_TOPIC = "key_topic", "Strategy key topic"
    CSE_CRITERION = "cse_criterion", "Customer Service Excellence criterion"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETED = "completed", "Completed"
    SUSPENDED = "suspended", "Suspended or deferred"
    DELETED = "deleted", "Deleted as no longer appropriate"


# Statuses in which an action needs no further delivery and cannot be overdue.
FINISHED_STATUSES = (Status.COMPLETED, Status.SUSPENDED, Status.DELETED)


class Rag(models.TextChoices):
    NOT_ASSESSED = "", "Not assessed"
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class UnitKind(models.TextChoices):
    DIRECTORATE = "directorate", "Directorate"
    SERVICE = "service", "Service"
    PARTNER = "partner", "Partner organisation"


class OwnerKind(models.TextChoices):
    PERSON = "person", "Person"
    GROUP = "group", "Group"
