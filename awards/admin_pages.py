"""The awards' own newsroom pages: ranking, record winners, posts behind a
number, the editors' statistics dashboard. Thin: reads through selectors,
writes through services; rights checked by the admin site and here."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from awards import dashboards, exports, selectors, services
from awards.models import AwardCategory, AwardPeriod
from awards.scoring import FORMULAS, RAW_LABELS, TIE_RULE, formula_words
from units.models import Region, Unit


def _editor(request) -> None:
    if not request.user.is_editor:
        raise PermissionDenied


def _context(request, **extra):
    return {**admin.site.each_context(request), **extra}


def ranking(request, pk: int, slug: str):
    _editor(request)
    period = get_object_or_404(AwardPeriod, pk=pk)
    category = get_object_or_404(AwardCategory, slug=slug)
    standings = selectors.ranking(period=period, category=category)
    formula = FORMULAS[category.metric]
    raw_keys = list(formula.raw_keys)
    if "working_days" not in raw_keys and category.metric == "news":
        raw_keys.append("working_days")
    rows = [
        {
            "standing": s,
            "raw": [(RAW_LABELS.get(key, key), s.raw.get(key)) for key in raw_keys],
            "winner": s.rank is not None and s.rank <= category.winners_count,
        }
        for s in standings
    ]
    return TemplateResponse(
        request,
        "awards/admin/ranking.html",
        _context(
            request,
            title=_("Peringkat: %(category)s, %(period)s")
            % {"category": category.name, "period": period.name},
            period=period,
            category=category,
            categories=AwardCategory.objects.filter(is_active=True),
            rows=rows,
            unranked=[r["standing"].name for r in rows if r["standing"].rank is None],
            components=formula.components,
            formula=formula_words(category.metric),
            tie_rule=TIE_RULE,
            working_days=selectors.period_working_days(period),
            result=period.results.filter(category=category).first(),
            opts=AwardPeriod._meta,
            by_unit=category.competitors == "units",
        ),
    )


@require_POST
def record_winners(request, pk: int, slug: str):
    _editor(request)
    period = get_object_or_404(AwardPeriod, pk=pk)
    category = get_object_or_404(AwardCategory, slug=slug)
    try:
        winners = services.award_winners_record(
            period=period, category=category, actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Pemenang dicatat dan peringkat dibekukan: %(names)s.")
            % {"names": "; ".join(w.name for w in winners)},
        )
    return redirect("admin:awards_ranking", pk=period.pk, slug=category.slug)


def posts_behind(request, pk: int, unit_pk: int):
    _editor(request)
    period = get_object_or_404(AwardPeriod, pk=pk)
    unit = get_object_or_404(Unit, pk=unit_pk)
    return TemplateResponse(
        request,
        "awards/admin/posts_behind.html",
        _context(
            request,
            title=_("Berita terbit %(unit)s, %(period)s")
            % {"unit": unit.name, "period": period.name},
            period=period,
            unit=unit,
            posts=selectors.posts_behind(period=period, unit=unit),
            people=selectors.person_statistics(
                viewer=request.user, period=period, unit=unit
            ),
            opts=AwardPeriod._meta,
        ),
    )


def statistics_dashboard(request):
    _editor(request)
    period = (
        AwardPeriod.objects.filter(pk=request.GET.get("periode") or 0).first()
        or selectors.period_open_current()
        or AwardPeriod.objects.first()
    )
    region = Region.objects.filter(slug=request.GET.get("kanwil") or "").first()
    month = dashboards.month_from(request.GET.get("bulan"))
    tables = dashboards.editor_tables(period=period, region=region, month=month)
    export = request.GET.get("ekspor")
    if export:
        table = tables.get(request.GET.get("tabel", ""))
        if table is None:
            return HttpResponse(status=404)
        return exports.table_response(table=table, file_format=export)
    return TemplateResponse(
        request,
        "awards/admin/statistics.html",
        _context(
            request,
            title=_("Statistik redaksi"),
            period=period,
            periods=AwardPeriod.objects.all(),
            region=region,
            regions=Region.objects.all(),
            month=month,
            tables=tables,
            charts={
                slug: {"id": "chart-%s" % slug, "data": data}
                for slug, data in dashboards.chart_data(tables).items()
            },
            opts=AwardPeriod._meta,
        ),
    )
