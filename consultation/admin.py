"""Consultation and scrutiny records in the admin, with their history."""

from __future__ import annotations

from django.contrib import admin

from actionplan.adminbase import HistoryHelpersAdmin
from consultation.models import (
    Exercise,
    Finding,
    FindingAction,
    FindingTheme,
    PublicPage,
    Recommendation,
    RecommendationAction,
    ScrutinyMeeting,
)


@admin.register(Exercise)
class ExerciseAdmin(HistoryHelpersAdmin):
    list_display = ["title", "plan", "method", "started_on", "published"]
    list_filter = ["plan", "method", "published"]
    search_fields = ["title", "summary"]


class FindingThemeInline(admin.TabularInline):
    model = FindingTheme
    extra = 0


class FindingActionInline(admin.TabularInline):
    model = FindingAction
    extra = 0
    raw_id_fields = ["action"]


@admin.register(Finding)
class FindingAdmin(HistoryHelpersAdmin):
    list_display = ["__str__", "exercise", "published"]
    list_filter = ["published", "exercise__plan"]
    search_fields = ["said", "we_did"]
    inlines = [FindingThemeInline, FindingActionInline]


@admin.register(PublicPage)
class PublicPageAdmin(HistoryHelpersAdmin):
    list_display = ["plan", "you_said_we_did_published"]


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0


@admin.register(ScrutinyMeeting)
class ScrutinyMeetingAdmin(HistoryHelpersAdmin):
    list_display = ["body", "title", "meeting_date", "plan"]
    inlines = [RecommendationInline]


class RecommendationActionInline(admin.TabularInline):
    model = RecommendationAction
    extra = 0
    raw_id_fields = ["action"]


@admin.register(Recommendation)
class RecommendationAdmin(HistoryHelpersAdmin):
    list_display = ["reference", "meeting", "response", "report_back_due", "reported_back_on"]
    list_filter = ["response", "meeting__plan"]
    search_fields = ["text"]
    inlines = [RecommendationActionInline]
