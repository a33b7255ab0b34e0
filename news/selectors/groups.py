"""Reads for stories about the same event (news.checks.grouping): a post's
group on the decision page and two posts side by side."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from news import diffing
from news.checks import grouping
from news.models import Post, StoryFingerprint, StoryGroupMember
from news.services import rights

# How many shared stems the comparison page marks in both texts.
MARKED_TERMS = 15


def post_story_group(*, post: Post, user) -> dict | None:
    """The post's group for the decision page, or None when it has none.

    Each other member comes with its similarity to this post and the links
    the user may follow: a regional reviewer opens and compares only the
    posts of their own region (rights.can_review_post).
    """
    membership = StoryGroupMember.objects.filter(post=post).first()
    if membership is None:
        return None
    members = []
    for item in grouping.group_members(post=post, group_id=membership.group_id):
        other = item["post"]
        allowed = rights.can_review_post(user, other)
        members.append(
            {
                "post": other,
                "score": item["score"],
                "percent": round(item["score"] * 100),
                "near_copy": item["score"] >= grouping.NEAR_COPY
                and other.unit_id == post.unit_id,
                "allowed": allowed,
                "change_url": reverse("admin:news_post_change", args=[other.pk])
                if allowed
                else "",
                "compare_url": reverse(
                    "admin:news_post_compare", args=[post.pk, other.pk]
                )
                if allowed
                else "",
            }
        )
    if not members:
        return None
    return {"group_id": membership.group_id, "members": members}


@dataclass
class ComparedPost:
    post: Post
    title: SafeString
    lead: SafeString
    paragraphs: list[SafeString] = field(default_factory=list)


@dataclass
class PostComparison:
    left: ComparedPost
    right: ComparedPost
    score: float
    same_group: bool
    shared_terms: list[str]
    diff: diffing.SnapshotDiff

    @property
    def sides(self) -> tuple[ComparedPost, ComparedPost]:
        return (self.left, self.right)

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def near_copy(self) -> bool:
        return self.score >= grouping.NEAR_COPY


def _marked(text: str, terms: set) -> SafeString:
    """The text with the words whose stem is among `terms` in <mark>."""
    out = []
    for token in diffing.tokenize(text):
        if token[:1].isalnum() and grouping.stem(token.lower()) in terms:
            out.append("<mark>%s</mark>" % escape(token))
        else:
            out.append(escape(token))
    return mark_safe("".join(out))


def _compared(post: Post, terms: set) -> ComparedPost:
    text = diffing.html_to_text(post.body)
    return ComparedPost(
        post=post,
        title=_marked(post.title, terms),
        lead=_marked(post.lead, terms),
        paragraphs=[_marked(p, terms) for p in text.split("\n\n") if p.strip()],
    )


def post_pair_comparison(*, post: Post, other: Post) -> PostComparison:
    """Two posts side by side: the words they share marked, their word diff."""
    stories = {}
    fingerprints = StoryFingerprint.objects.filter(post_id__in=[post.pk, other.pk])
    for fingerprint in fingerprints:
        stories[fingerprint.post_id] = grouping.story_of_fingerprint(fingerprint)
    for item in (post, other):
        # A post never checked (a draft) is stemmed here, not indexed.
        if item.pk not in stories:
            stories[item.pk] = grouping.story_of_post(item)
    idf = grouping.idf_for(set(stories[post.pk].terms) | set(stories[other.pk].terms))
    mine = grouping.weights(stories[post.pk].terms, idf)
    theirs = grouping.weights(stories[other.pk].terms, idf)
    shared = sorted(set(mine) & set(theirs), key=lambda t: (-(mine[t] * theirs[t]), t))[
        :MARKED_TERMS
    ]
    memberships = dict(
        StoryGroupMember.objects.filter(post_id__in=[post.pk, other.pk]).values_list(
            "post_id", "group_id"
        )
    )
    same_group = len(memberships) == 2 and memberships[post.pk] == memberships[other.pk]
    names = ("title", "lead", "body", "event_date", "location")
    before = {name: getattr(post, name) for name in names}
    after = {name: getattr(other, name) for name in names}
    for values in (before, after):
        values["event_date"] = (
            values["event_date"].isoformat() if values["event_date"] else ""
        )
    return PostComparison(
        left=_compared(post, set(shared)),
        right=_compared(other, set(shared)),
        score=grouping.cosine(mine, theirs),
        same_group=same_group,
        shared_terms=shared,
        diff=diffing.SnapshotDiff(fields=diffing.fields_diff(before, after, names)),
    )
