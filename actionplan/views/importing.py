"""Importing a plan in the browser: upload → preview (with its column mapping) → confirm → result.

Steering-group members and plan administrators only (403 for other roles, 404 for a plan the
user may not see). The preview writes nothing; the confirmation re-reads the stored file and
writes in one transaction (importing/apply.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from actionplan.access import plan_for_user
from actionplan.importing import storage
from actionplan.importing.apply import ImportAlreadyApplied, import_apply
from actionplan.importing.columns import (
    CHOICE_LABELS,
    CHOICES,
    FIELDS,
    Column,
    distinct_headings,
)
from actionplan.importing.mappings import remembered_mapping, valid_mapping
from actionplan.importing.pages import PAGE_ROWS, preview_page, requested_page
from actionplan.importing.plan_diff import build_preview
from actionplan.importing.reader import read_upload
from actionplan.importing.safety import ImportRefused, Limits
from actionplan.importing.sheets import SKIP, sheet_key
from actionplan.models import AppliedImport, Plan
from actionplan.views.browse import pagination_items


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet or Word document",
        help_text="An Excel workbook (.xlsx), a CSV file or a Word document (.docx): this "
        "system's own workbook, or the plan as your council keeps it, in a table with a "
        "heading row.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.docx"}),
        error_messages={"required": "Choose the spreadsheet or Word document to import."},
    )

    def __init__(self, *args, limits: Limits, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.limits.max_bytes:
            size = self.limits.max_bytes // (1024 * 1024)
            raise forms.ValidationError(f"The file is too big: the largest is {size} MB.")
        return upload


class ImportMappingForm(forms.Form):
    """What each column of the file holds: one choice per heading (columns.CHOICES); and for
    each sheet or table where no column holds the actions, which one does, or to skip it."""

    def __init__(
        self,
        *args,
        layouts: list[tuple[str, list[Column]]],
        needing: list[str],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.layouts = layouts
        self.headings = distinct_headings(layout for _, layout in layouts)
        self.needing = [(name, layout) for name, layout in layouts if name in needing]
        for number, (name, layout) in enumerate(self.needing, 1):
            self.fields[f"action-{number}"] = forms.ChoiceField(
                label=f"Which column of “{name}” holds the actions?",
                help_text="Or skip this sheet or table: none of its rows is then imported.",
                choices=[
                    ("", "Choose a column"),
                    *((column.key, column.heading) for column in layout if column.key),
                    (SKIP, f"None: skip “{name}”"),
                ],
                required=False,
            )
        for column in self.headings:
            self.fields[f"col-{column.key}"] = forms.ChoiceField(
                label=f"What the column “{column.heading}” holds",
                choices=CHOICES,
                initial=column.field,
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        mapping = self.mapping()
        answers = {name: f"action-{n}" for n, (name, _) in enumerate(self.needing, 1)}
        for name, layout in self.layouts:
            if mapping.get(sheet_key(name)) == SKIP:
                continue
            chosen: dict[str, str] = {}
            for column in layout:
                field = mapping.get(column.key, column.field) if column.key else column.field
                if field in FIELDS and field in chosen:
                    raise forms.ValidationError(
                        f"“{chosen[field]}” and “{column.heading}” are both chosen as "
                        f"{CHOICE_LABELS[field]}: choose one column for it, and keep the other "
                        "in the notes or ignore it."
                    )
                if field in FIELDS:
                    chosen[field] = column.heading
            if "description" in chosen:
                continue
            if name in answers:
                self.add_error(answers[name], _choose_message(name))
            else:
                raise forms.ValidationError(
                    f"Choose the column of “{name}” that holds the actions (Action)."
                )
        return cleaned

    def mapping(self) -> dict[str, str]:
        """Heading key → field, with each answered sheet's action column (or its skip)."""
        mapping = {c.key: self.cleaned_data[f"col-{c.key}"] for c in self.headings}
        for number, (name, _) in enumerate(self.needing, 1):
            answer = self.cleaned_data.get(f"action-{number}")
            if answer == SKIP:
                mapping[sheet_key(name)] = SKIP
            elif answer:
                mapping[answer] = "description"
        return mapping

    def rows(self) -> list[tuple[Column, forms.BoundField]]:
        """Each column with its choice, for the template."""
        return [(column, self[f"col-{column.key}"]) for column in self.headings]

    def action_rows(self) -> list[tuple[forms.BoundField, str]]:
        """Each sheet without an action column: its question and the error it shows. Before
        the user answers, the question is itself the error (nothing is imported until then)."""
        rows = []
        for number, (name, _) in enumerate(self.needing, 1):
            field = self[f"action-{number}"]
            error = field.errors[0] if field.errors else ""
            rows.append((field, error if self.is_bound else _choose_message(name)))
        return rows

    def problems(self) -> list[tuple[str, str]]:
        """(anchor, message) of each problem, for the error summary at the top of the page."""
        found = [("mapping-table", error) for error in self.non_field_errors()]
        found += [(field.id_for_label, error) for field, error in self.action_rows() if error]
        return found


def _choose_message(name: str) -> str:
    return f"Choose the column of “{name}” that holds the actions, or choose to skip it."


class ImportConfirmForm(forms.Form):
    create_owners = forms.BooleanField(
        label="Create these owners",
        required=False,
        help_text="If not ticked, their names stay in the actions' owner text, unlinked.",
    )


def _user_name(request: HttpRequest) -> str:
    return request.user.get_full_name() or request.user.get_username()


def _stashed(plan: Plan, token: str) -> storage.StashedUpload:
    stashed = storage.fetch(plan=plan, token=token)
    if stashed is None:
        raise Http404("No such import: it may have been applied already, or expired.")
    return stashed


@login_required
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    limits = Limits.from_settings()
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        limits=limits,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(limits.max_bytes + 1)
        try:
            read_upload(upload.name, data, limits)
        except ImportRefused as refusal:
            form.add_error("file", refusal.message)
        else:
            token = storage.stash(
                plan=plan, filename=upload.name, data=data, uploaded_by=_user_name(request)
            )
            return redirect("plan_import_preview", plan.slug, token)
    context = {
        "plan": plan,
        "form": form,
        "max_megabytes": limits.max_bytes // (1024 * 1024),
        "max_rows": f"{limits.max_rows:,}",
    }
    return render(request, "actionplan/importing/upload.html", context)


def _mapping_of(plan: Plan, stashed: storage.StashedUpload) -> Mapping[str, str]:
    """The columns as the user mapped them for this file, else as the organisation did."""
    return stashed.mapping if stashed.mapping is not None else remembered_mapping(plan)


def _preview_page(
    request: HttpRequest, plan: Plan, stashed: storage.StashedUpload, mapping_form=None
) -> HttpResponse:
    number = requested_page(request.GET.get("page"))
    try:
        source = read_upload(stashed.filename, stashed.data, mapping=_mapping_of(plan, stashed))
        preview = build_preview(plan=plan, source=source, page=number)  # keeps one page
        last = max(1, -(-preview.shown_count // PAGE_ROWS))
        if number > last:  # a page past the end shows the last, as paginators do
            number = last
            preview = build_preview(plan=plan, source=source, page=number)
    except ImportRefused as refusal:
        storage.discard(stashed.token)
        return render(
            request,
            "actionplan/importing/result.html",
            {"plan": plan, "refusal": refusal.message, "filename": stashed.filename},
        )
    if mapping_form is None and preview.layouts:
        mapping_form = ImportMappingForm(
            layouts=preview.layouts, needing=[name for name, _ in preview.needing]
        )
    shown = preview_page(preview, number)  # its size never grows with the file
    context = {
        "plan": plan,
        "preview": preview,
        "stashed": stashed,
        "counts": preview.counts,
        "form": ImportConfirmForm(),
        "mapping_form": mapping_form,
        "today": timezone.localdate(),
        "shown": shown,
        "page": shown.page,
        "pagination_items": pagination_items(shown.page),
        "pagination_label": "Pages of rows",
    }
    return render(request, "actionplan/importing/preview.html", context)


@login_required
def import_preview(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    return _preview_page(request, plan, _stashed(plan, token))


@login_required
@require_POST
def import_mapping(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The user's reading of the file's columns: kept with the upload, then the preview again."""
    plan = plan_for_user(request.user, slug, manage=True)
    stashed = _stashed(plan, token)
    try:
        source = read_upload(stashed.filename, stashed.data, mapping=_mapping_of(plan, stashed))
    except ImportRefused:
        return _preview_page(request, plan, stashed)
    form = ImportMappingForm(
        request.POST,
        layouts=[(sheet.name, sheet.layout) for sheet in source.sheets if sheet.layout],
        needing=[sheet.name for sheet in source.sheets if sheet.needs_action],
    )
    if not form.is_valid():
        return _preview_page(request, plan, stashed, mapping_form=form)
    storage.set_mapping(plan=plan, token=token, mapping=valid_mapping(form.mapping()))
    return redirect(f"{reverse('plan_import_preview', args=[plan.slug, token])}#columns")


@login_required
@require_POST
def import_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    applied = AppliedImport.objects.filter(plan=plan, token=token).select_related("applied_by")
    if applied.exists():  # confirmed already, by someone else or in another tab
        refusal = ImportAlreadyApplied(applied.get())
        context = {"plan": plan, "filename": refusal.filename, "refusal": refusal.message}
        return render(request, "actionplan/importing/result.html", context | {"again": True})
    stashed = _stashed(plan, token)
    form = ImportConfirmForm(request.POST)
    create_owners = form.is_valid() and form.cleaned_data["create_owners"]
    context: dict = {"plan": plan, "filename": stashed.filename}
    try:
        context["result"] = import_apply(
            plan=plan,
            filename=stashed.filename,
            data=stashed.data,
            user=request.user,
            create_owners=create_owners,
            mapping=_mapping_of(plan, stashed),
            token=token,
        )
    except ImportAlreadyApplied as refusal:
        context |= {"refusal": refusal.message, "again": True}
        return render(request, "actionplan/importing/result.html", context)
    except ImportRefused as refusal:
        context["refusal"] = refusal.message
    storage.discard(token)
    return render(request, "actionplan/importing/result.html", context)
