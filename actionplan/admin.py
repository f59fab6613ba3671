"""The site superusers' screens: every model, with search, filters, inlines and history.

Every other role works in the product, where its rules (and organisations) are enforced.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from actionplan import services
from actionplan.forms import ActionForm
from actionplan.models import (
    Action,
    ActionOwner,
    GroupMembership,
    Membership,
    Milestone,
    Organisation,
    Owner,
    Plan,
    PlanMembership,
    ProgressUpdate,
    Project,
    PublishedReport,
    ReportJob,
    TargetRevision,
    Theme,
    Unit,
)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "slug", "public_pages"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["organisation", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(PlanMembership)
class PlanMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "plan", "role"]
    list_filter = ["plan__organisation", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "plan__title"]
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "organisation"]
    list_filter = ["organisation", "kind"]
    search_fields = ["name", "short_name"]


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    fk_name = "group"
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Owner)
class OwnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "organisation", "unit", "job_title", "user"]
    list_filter = ["organisation", "kind"]
    search_fields = ["name", "short_name", "aliases", "job_title", "email"]
    autocomplete_fields = ["user"]
    inlines = [MembershipInline]


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["position", "reference", "title", "kind"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "version_label", "organisation", "status", "adopted_on"]
    list_filter = ["status", "organisation"]
    search_fields = ["title", "organisation__name", "description", "source"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ThemeInline]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "kind", "position"]
    list_filter = ["plan", "kind"]
    search_fields = ["reference", "title", "description"]


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "theme", "position"]
    list_filter = ["theme__plan", "theme"]
    search_fields = ["reference", "title", "description"]
    list_select_related = ["theme", "theme__plan"]


class ActionOwnerFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        leads = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_lead") and not form.cleaned_data.get("DELETE")
        ]
        if len(leads) > 1:
            raise ValidationError("An action has only one lead owner: untick all but one.")


class ActionOwnerInline(admin.TabularInline):
    model = ActionOwner
    formset = ActionOwnerFormSet
    extra = 0
    autocomplete_fields = ["owner"]
    fields = ["owner", "is_lead", "position"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["position", "text", "target", "done_on"]


class ProgressUpdateInline(admin.StackedInline):
    model = ProgressUpdate
    extra = 0
    fields = [
        ("reported_on", "date_as_written"),
        ("author", "author_name"),
        "narrative",
        ("status", "rag", "percent_complete", "is_no_change"),
    ]
    autocomplete_fields = ["author"]


class TargetRevisionInline(admin.TabularInline):
    model = TargetRevision
    extra = 0
    can_delete = False
    fields = ["revised_at", "old_target", "new_target", "reason", "revised_by"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        # A revision is made by changing the action's target, which asks for the reason.
        return False


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    form = ActionForm
    list_display = [
        "__str__",
        "theme",
        "owners_as_written",
        "target",
        "target_latest",
        "status",
        "rag",
        "replan_count",
    ]
    list_filter = ["theme__plan", "status", "rag", "unit", "target_kind", "theme"]
    search_fields = ["reference", "description", "owners_as_written", "target", "notes"]
    list_select_related = ["theme", "theme__plan", "project"]
    readonly_fields = [
        "target_kind",
        "target_earliest",
        "target_latest",
        "original_target",
        "replan_count",
        "version",
    ]
    autocomplete_fields = ["project", "unit"]
    inlines = [ActionOwnerInline, MilestoneInline, ProgressUpdateInline, TargetRevisionInline]
    fieldsets = [
        (None, {"fields": ["theme", "project", "reference", "description"]}),
        ("Owners", {"fields": ["owners_as_written", "unit"]}),
        (
            "Target date",
            {
                "fields": [
                    "target",
                    "target_change_reason",
                    "target_kind",
                    "target_earliest",
                    "target_latest",
                    "original_target",
                    "replan_count",
                ]
            },
        ),
        ("Progress", {"fields": ["status", "rag", "percent_complete", "completed_on", "notes"]}),
        ("Record", {"fields": ["version"]}),
    ]

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is not ActionOwner:
            return super().save_formset(request, form, formset, change)
        # Save removals and non-leads first so the one-lead constraint holds at every step.
        links = formset.save(commit=False)
        for link in formset.deleted_objects:
            link.delete()
        for link in sorted(links, key=lambda link: link.is_lead):
            link.save()
        formset.save_m2m()

    def save_model(self, request: HttpRequest, obj: Action, form: ActionForm, change: bool) -> None:
        services.action_save(
            action=obj,
            user=request.user,
            reason="Edited in the admin",
            target_reason=form.cleaned_data.get("target_change_reason", ""),
        )


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["action", "reported_on", "author", "author_name", "status", "rag"]
    list_filter = ["action__theme__plan", "status", "rag", "is_no_change"]
    search_fields = ["narrative", "author_name", "action__description", "action__reference"]
    date_hierarchy = "reported_on"
    autocomplete_fields = ["action", "author"]
    list_select_related = ["action", "author"]


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["text", "action", "target", "done_on"]
    search_fields = ["text", "action__description"]
    autocomplete_fields = ["action"]


@admin.register(TargetRevision)
class TargetRevisionAdmin(SimpleHistoryAdmin):
    list_display = ["action", "old_target", "new_target", "revised_at", "revised_by"]
    search_fields = ["reason", "old_target", "new_target", "action__description"]
    readonly_fields = ["action", "old_target", "new_target", "reason", "revised_at", "revised_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ActionOwner)
class ActionOwnerAdmin(SimpleHistoryAdmin):
    list_display = ["action", "owner", "is_lead"]
    list_filter = ["is_lead", "owner"]
    search_fields = ["owner__name", "owner__short_name", "action__description"]
    autocomplete_fields = ["action", "owner"]


@admin.register(GroupMembership)
class GroupMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["person", "group"]
    autocomplete_fields = ["person", "group"]
    search_fields = ["person__name", "group__name"]


# Update rounds. Opening, reminding and closing go through actionplan/rounds.py (they send mail
# and create the requests), so the admin only reads rounds and corrects their wording.
from actionplan.models import UpdateRequest, UpdateRound  # noqa: E402


class UpdateRequestInline(admin.TabularInline):
    model = UpdateRequest
    extra = 0
    can_delete = False
    fields = ["action", "owner", "via_group", "requested_at", "last_reminded_at", "reminder_count"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(UpdateRound)
class UpdateRoundAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "meeting_date", "deadline", "opened_at", "closed_at"]
    list_filter = ["plan", ("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "note"]
    date_hierarchy = "meeting_date"
    list_select_related = ["plan"]
    fields = [
        "plan",
        "title",
        "meeting_date",
        "deadline",
        "note",
        "opened_at",
        "opened_by",
        "closed_at",
        "closed_by",
    ]
    readonly_fields = ["plan", "opened_at", "opened_by", "closed_at", "closed_by"]
    inlines = [UpdateRequestInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A round is opened from the plan's Update rounds page, which asks owners and e-mails them.
        return False


@admin.register(UpdateRequest)
class UpdateRequestAdmin(SimpleHistoryAdmin):
    list_display = ["round", "action", "owner", "via_group", "requested_at", "reminder_count"]
    list_filter = ["round__plan", "round"]
    search_fields = ["owner__name", "owner__short_name", "action__description"]
    list_select_related = ["round", "action", "owner", "via_group"]
    readonly_fields = [
        "round",
        "action",
        "owner",
        "via_group",
        "requested_at",
        "last_reminded_at",
        "reminder_count",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PublishedReport)
class PublishedReportAdmin(SimpleHistoryAdmin):
    """Read-only: a published report is the record of a committee paper, files and all."""

    list_display = ["plan", "committee", "meeting_date", "as_at", "since", "published_by"]
    list_filter = ["plan", "committee"]
    date_hierarchy = "meeting_date"
    list_select_related = ["plan", "published_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Publishing builds and keeps the files: it is done from the report builder.
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: PublishedReport | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: PublishedReport | None = None
    ) -> bool:
        return False


@admin.register(ReportJob)
class ReportJobAdmin(SimpleHistoryAdmin):
    """Read-only: who asked for which background report, and how it went."""

    list_display = ["plan", "kind", "requested_by", "requested_at", "state", "finished_at"]
    list_filter = ["state", "kind", "plan"]
    date_hierarchy = "requested_at"
    list_select_related = ["plan", "requested_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Jobs are asked for from the report builder, which checks the parameters.
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReportJob | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReportJob | None = None) -> bool:
        # Deleting the row would leave its file behind, unreachable.
        return False
