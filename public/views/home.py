"""The home page: headlines, latest news, most read, sections, regions, awards.

Page 1 is the front page; ?halaman=2 and on continue the latest news alone
(the "Berita lainnya" link), so the list has stable URLs without a separate
listing. The query count is fixed (news.selectors.home_page).
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from awards import selectors as award_selectors
from news import selectors
from public.views.common import paginate

REGIONS_SHOWN = 8  # the most recently active; the rest behind "kanwil lainnya"


@require_safe
def home(request):
    # Page 2 and on of the latest news; anything else is the front page.
    if request.GET.get("halaman", "").isdigit() and int(request.GET["halaman"]) > 1:
        return render(
            request,
            "public/home_more.html",
            {"page": paginate(request, selectors.post_list_published())},
        )
    page = selectors.home_page(
        headlines=5,
        latest=9,
        per_category=4,
        most_read=5,
        regions_with_headlines=REGIONS_SHOWN,
    )
    return render(
        request,
        "public/home.html",
        {
            "lead": page.headlines[0] if page.headlines else None,
            "secondary": page.headlines[1:],
            "latest": page.latest,
            "most_read": page.most_read,
            "sections": page.sections,
            "regions": page.regions[:REGIONS_SHOWN],
            "more_regions": page.regions[REGIONS_SHOWN:],
            "winners": award_selectors.winners_latest(),
        },
    )
