"""The content checklist while a contributor writes (news.checks.content).

`post_form_checklist` gives the checklist the form renders on every display;
`post_checklist` answers the form's script (static/js/post-checklist.js) with
the same checklist as JSON while the contributor types. Both call the one set
of rules, so the browser never decides what passes.
"""

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from news import selectors
from news.checks.content import content_checklist, draft_content_findings
from news.views.common import unit_staff_required

# More than the form's photo slots (a cover and ten gallery photos): a longer
# list is not a form of ours.
MAX_PHOTO_ALTS = 11


def checklist_summary(findings: list[dict]) -> dict:
    items = content_checklist(findings)
    return {
        "items": items,
        "warnings": sum(1 for item in items if not item["ok"]),
    }


def post_form_checklist(*, unit, post, form, slots) -> dict:
    """The checklist of what the form holds now (saved, or just sent back)."""
    if form.is_bound:
        data = form.data
        fields = {name: data.get(name, "") for name in ("title", "lead", "body")}
        fields["event_date"] = data.get("event_date", "")
        fields["location"] = data.get("location", "")
        new_photo_alts = [
            photo_form.data.get(photo_form.add_prefix("alt_text"), "")
            for photo_form in slots
            if photo_form.staged_photo is not None
        ]
    elif post is not None:
        fields = {
            "title": post.title,
            "lead": post.lead,
            "body": post.body,
            "event_date": post.event_date,
            "location": post.location,
        }
        new_photo_alts = []
    else:
        fields = dict.fromkeys(("title", "lead", "body", "location"), "")
        fields["event_date"] = None
        new_photo_alts = []
    return checklist_summary(
        draft_content_findings(
            unit=unit, post=post, new_photo_alts=new_photo_alts, **fields
        )
    )


def post_saved_checklist(*, post) -> dict:
    """The checklist of a saved post, beside its "send" button."""
    return checklist_summary(
        draft_content_findings(
            unit=post.unit,
            post=post,
            title=post.title,
            lead=post.lead,
            body=post.body,
            event_date=post.event_date,
            location=post.location,
        )
    )


@require_POST
@unit_staff_required
def post_checklist(request):
    """The checklist for the fields posted; `post` names the post being edited."""
    unit = request.user.unit
    post = None
    if request.POST.get("post", "").isdigit():
        post = selectors.post_get_for_unit(unit=unit, pk=int(request.POST["post"]))
    findings = draft_content_findings(
        unit=unit,
        post=post,
        title=request.POST.get("title", ""),
        lead=request.POST.get("lead", ""),
        body=request.POST.get("body", ""),
        event_date=request.POST.get("event_date", ""),
        location=request.POST.get("location", ""),
        new_photo_alts=request.POST.getlist("photo_alt")[:MAX_PHOTO_ALTS],
    )
    return JsonResponse(checklist_summary(findings))
