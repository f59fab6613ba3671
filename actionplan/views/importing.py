"""Importing a plan from a spreadsheet in the browser: upload → preview → confirm → result.

Steering-group members and plan administrators only (403 for other roles, 404 for a plan the
user may not see). The preview writes nothing; the confirmation re-reads the stored file and
writes in one transaction (importing/apply.py).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from actionplan.access import plan_for_user
from actionplan.importing import storage
from actionplan.importing.apply import ImportAlreadyApplied, import_apply
from actionplan.importing.pages import preview_page
from actionplan.importing.plan_diff import build_preview
from actionplan.importing.reader import read_upload
from actionplan.importing.safety import ImportRefused, Limits
from actionplan.models import AppliedImport, Plan
from actionplan.views.browse import pagination_items


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="An Excel workbook (.xlsx) or a CSV file: this system's own workbook, or "
        "the plan as your council keeps it, with a heading row.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "Choose the spreadsheet to import."},
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


@login_required
def import_preview(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    stashed = _stashed(plan, token)
    try:
        preview = build_preview(plan=plan, source=read_upload(stashed.filename, stashed.data))
    except ImportRefused as refusal:
        storage.discard(token)
        return render(
            request,
            "actionplan/importing/result.html",
            {"plan": plan, "refusal": refusal.message, "filename": stashed.filename},
        )
    shown = preview_page(preview, request.GET.get("page"))  # its size never grows with the file
    context = {
        "plan": plan,
        "preview": preview,
        "stashed": stashed,
        "counts": preview.counts,
        "form": ImportConfirmForm(),
        "shown": shown,
        "page": shown.page,
        "pagination_items": pagination_items(shown.page),
        "pagination_label": "Pages of rows",
    }
    return render(request, "actionplan/importing/preview.html", context)


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
            token=token,
        )
    except ImportAlreadyApplied as refusal:
        context |= {"refusal": refusal.message, "again": True}
        return render(request, "actionplan/importing/result.html", context)
    except ImportRefused as refusal:
        context["refusal"] = refusal.message
    storage.discard(token)
    return render(request, "actionplan/importing/result.html", context)
