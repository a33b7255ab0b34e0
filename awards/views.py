"""Awards pages of the contributor area (the public winners page is public.views).

Contributor pages are for unit staff (news.views.unit_staff_required) and
scoped to the user's own unit: every object is loaded through the unit.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from awards import selectors, services
from awards.forms import (
    ClarificationForm,
    CsvImportForm,
    IncidentForm,
    SocialAccountForm,
    SocialReportForm,
)
from awards.models import Incident
from awards.scoring import formula_words
from awards.services.statistics import WIB
from news.views import unit_staff_required


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@unit_staff_required
@require_safe
def contributor_dashboard(request):
    unit = request.user.unit
    period = selectors.period_open_current()
    today = timezone.localdate(timezone=WIB)
    weeks, missed = selectors.odon_month(unit=unit, year=today.year, month=today.month)
    standings = []
    people = []
    if period is not None:
        standings = selectors.standing_for_unit(period=period, unit=unit)
        for entry in standings:
            entry["formula"] = formula_words(entry["category"].metric)
        people = selectors.person_statistics(
            viewer=request.user, period=period, unit=unit
        )
    return render(
        request,
        "awards/contributor_dashboard.html",
        {
            "unit": unit,
            "period": period,
            "standings": standings,
            "weeks": weeks,
            "missed": missed,
            "month": today.replace(day=1),
            "people": people,
            "awards": selectors.winners_for_unit(unit=unit),
        },
    )


@unit_staff_required
def social_media(request):
    unit = request.user.unit
    account_form = SocialAccountForm(prefix="akun")
    report_form = SocialReportForm(unit=unit, prefix="laporan")
    import_form = CsvImportForm(prefix="csv")
    import_errors = []
    if request.method == "POST":
        action = request.POST.get("aksi")
        try:
            if action == "akun":
                account_form = SocialAccountForm(request.POST, prefix="akun")
                if account_form.is_valid():
                    services.social_account_create(
                        unit=unit, actor=request.user, **account_form.cleaned_data
                    )
                    messages.success(request, _("Akun media sosial terdaftar."))
                    return redirect("awards:social")
            elif action == "laporan":
                report_form = SocialReportForm(
                    request.POST, unit=unit, prefix="laporan"
                )
                if report_form.is_valid():
                    services.social_report_submit(
                        actor=request.user, **report_form.cleaned_data
                    )
                    messages.success(
                        request, _("Laporan terkirim dan menunggu verifikasi redaksi.")
                    )
                    return redirect("awards:social")
            elif action == "csv":
                import_form = CsvImportForm(request.POST, request.FILES, prefix="csv")
                if import_form.is_valid():
                    result = services.social_reports_import_csv(
                        unit=unit,
                        actor=request.user,
                        data=import_form.cleaned_data["file"].read(),
                    )
                    if not result.errors:
                        messages.success(
                            request,
                            _("%(n)d laporan diimpor dan menunggu verifikasi.")
                            % {"n": result.created},
                        )
                        return redirect("awards:social")
                    import_errors = result.errors
        except ValidationError as exc:
            form = account_form if action == "akun" else report_form
            _form_errors(form, exc)
    return render(
        request,
        "awards/social_media.html",
        {
            "unit": unit,
            "account_form": account_form,
            "report_form": report_form,
            "import_form": import_form,
            "import_errors": import_errors,
            "accounts": unit.social_accounts.all(),
            "reports": selectors.social_reports_for_unit(unit=unit)[:60],
            "columns": services.CSV_COLUMNS,
        },
    )


@unit_staff_required
def incidents(request):
    unit = request.user.unit
    choices = selectors.clarification_choices(unit=unit)
    form = IncidentForm(clarifications=choices)
    if request.method == "POST":
        form = IncidentForm(request.POST, clarifications=choices)
        if form.is_valid():
            try:
                services.incident_log(
                    unit=unit, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Insiden tercatat."))
                return redirect("awards:incidents")
    return render(
        request,
        "awards/incidents.html",
        {
            "unit": unit,
            "form": form,
            "incidents": selectors.incidents_for_unit(unit=unit),
            "clarification_posts": list(choices.only("pk", "title")),
        },
    )


@unit_staff_required
@require_POST
def incident_clarify(request, pk: int):
    unit = request.user.unit
    incident = get_object_or_404(Incident, pk=pk, unit=unit)
    form = ClarificationForm(
        request.POST, clarifications=selectors.clarification_choices(unit=unit)
    )
    if form.is_valid():
        try:
            services.incident_link_clarification(
                incident=incident,
                actor=request.user,
                clarification=form.cleaned_data["clarification"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Berita klarifikasi ditautkan."))
    else:
        messages.error(request, _("Pilih berita klarifikasi."))
    return redirect("awards:incidents")
