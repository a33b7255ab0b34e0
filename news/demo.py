"""Demo posts for `manage.py load_demo`, written through the services.

The texts are data (news/fixtures/demo_posts.toml, described at its top).
Run after units.demo (which loads the demo units and accounts). Safe to run
again: a post whose unit already has one with the same title is skipped. Units
missing from the database are skipped with a note.

Posts go through post_create / post_submit / post_approve ... like real ones,
so every one has its audit trail; afterwards their dates are moved into the
past (a direct update, demo only) so the site shows a believable timeline.
Units without a demo account get a passwordless author account
("humas-demo-<unit slug>") that nobody can log in with. Most posts get a
generated, photo-like cover (news.demo_photos). Mail goes to the dummy backend
while the demo loads (in-process tasks only).
"""

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import import_module
from pathlib import Path
from typing import TextIO

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.html import escape

from news import services
from news.demo_photos import demo_photo
from news.models import (
    Category,
    PhotoKind,
    Post,
    PostAction,
    PostEvent,
    PostStatus,
    RefusalReason,
)
from news.services.decisions import post_recommend
from units.models import Role, Unit, User
from units.names import normalize_unit_name
from units.services import user_set_role

S = PostStatus
DEMO_POSTS_TOML = Path(__file__).resolve().parent / "fixtures" / "demo_posts.toml"


@dataclass(frozen=True)
class DemoPost:
    unit: str
    category: str  # slug
    title: str
    lead: str
    text: str  # paragraphs separated by a blank line
    status: str = S.PUBLISHED
    days_ago: int = 1  # publication (or submission) this many days back
    on: date | None = None  # a fixed publication day instead of days_ago
    tags: tuple[str, ...] = ()
    location: str = ""
    programme: str = ""
    featured: bool = False
    comment: str = ""  # the editor's request for changes
    reason: str = ""  # the editor's reason for a rejection
    reason_type: str = ""  # RefusalReason slug of a request for changes/rejection
    recommendation: dict = field(default_factory=dict)  # {advice, comment}
    photo: bool = True

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.text.split("\n\n") if part.strip()]


def _read_posts(path: Path = DEMO_POSTS_TOML) -> tuple[DemoPost, ...]:
    with path.open("rb") as file:
        rows = tomllib.load(file)["post"]
    return tuple(
        DemoPost(**{**row, "tags": tuple(row.get("tags", ()))}) for row in rows
    )


POSTS = _read_posts()


def _write(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _units_by_key() -> dict[str, Unit]:
    keys = {normalize_unit_name(spec.unit) for spec in POSTS}
    return {
        unit.normalized_name: unit
        for unit in Unit.objects.filter(normalized_name__in=keys).select_related(
            "region"
        )
    }


def _author_for(unit: Unit) -> User:
    """The unit's demo contributor, or a passwordless author for the demo."""
    member = (
        User.objects.filter(unit=unit, role=Role.CONTRIBUTOR, is_active=True)
        .order_by("pk")
        .first()
    )
    if member is not None:
        return member
    user, created = User.objects.get_or_create(
        username=("humas-demo-%s" % unit.slug)[:150],
        defaults={
            "first_name": "Humas",
            "last_name": unit.name[:150],
            "role": Role.CONTRIBUTOR,
            "unit": unit,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user_set_role(user=user, role=Role.CONTRIBUTOR, unit=unit)
    return user


def _body(paragraphs: list[str]) -> str:
    return "".join("<p>%s</p>" % escape(text) for text in paragraphs)


def _moment(spec: DemoPost, index: int) -> datetime:
    """When the post went out: its fixed day, or days back, at office hours."""
    day = spec.on or (timezone.localdate() - timedelta(days=spec.days_ago))
    hour = 8 + index % 8
    return timezone.make_aware(datetime.combine(day, time(hour, 15 + index % 40)))


def _backdate(post: Post, *, submitted: datetime, published: datetime | None) -> None:
    """Move a demo post's timeline into the past (demo only: a direct update)."""
    created = submitted - timedelta(hours=3)
    decided = published or submitted + timedelta(hours=1)
    fields = {"created_at": created, "updated_at": decided}
    if post.submitted_at is not None:
        fields["submitted_at"] = submitted
    if published is not None:
        fields["published_at"] = published
    Post.objects.filter(pk=post.pk).update(**fields)
    moments = {
        PostAction.CREATE: created,
        PostAction.SUBMIT: submitted,
        PostAction.HEAD_APPROVE: submitted + timedelta(minutes=30),
        PostAction.RECOMMEND: submitted + timedelta(minutes=45),
        PostAction.FEATURE: decided + timedelta(minutes=5),
    }
    for event in PostEvent.objects.filter(post=post):
        PostEvent.objects.filter(pk=event.pk).update(
            created_at=moments.get(event.action, decided)
        )


def _head_of(unit: Unit) -> User | None:
    return User.objects.filter(unit=unit, role=Role.HEAD, is_active=True).first()


def _reviewer_of(unit: Unit) -> User | None:
    return User.objects.filter(
        role=Role.REVIEWER, region_id=unit.region_id, is_active=True
    ).first()


def _load_one(spec: DemoPost, index: int, *, unit: Unit, editor: User | None) -> Post:
    author = _author_for(unit)
    when = _moment(spec, index)
    post = services.post_create(
        author=author,
        title=spec.title,
        lead=spec.lead,
        body=_body(spec.paragraphs),
        category=Category.objects.get(slug=spec.category),
        tags=spec.tags,
        programme=spec.programme,
        event_date=when.date() - timedelta(days=1) if spec.on is None else spec.on,
        location=spec.location,
    )
    if spec.photo:
        services.photo_upload(
            unit=unit,
            actor=author,
            file=demo_photo(seed=index, category=spec.category, title=spec.title),
            kind=PhotoKind.COVER,
            post=post,
            alt_text="Ilustrasi berita: %s" % spec.title,
            caption="Gambar ilustrasi untuk data demo.",
            credit="Humas %s" % unit.place,
        )
    if spec.status == S.DRAFT:
        return post
    post = services.post_submit(post=post, actor=author)
    head = _head_of(unit)
    if post.status == S.HEAD_REVIEW and spec.status != S.HEAD_REVIEW and head:
        post = services.post_head_approve(post=post, actor=head)
    reviewer = _reviewer_of(unit)
    if spec.recommendation and reviewer and post.status == S.SUBMITTED:
        post_recommend(
            post=post,
            actor=reviewer,
            recommendation=spec.recommendation["advice"],
            comment=spec.recommendation["comment"],
        )
    if editor is None or post.status == S.HEAD_REVIEW or spec.status == S.SUBMITTED:
        _backdate(post, submitted=min(when, timezone.now()), published=None)
        return post

    submitted = when - timedelta(hours=2)
    if spec.status == S.PUBLISHED:
        post = services.post_approve(post=post, actor=editor)
        if spec.featured:
            post = services.post_set_featured(post=post, actor=editor, featured=True)
        _backdate(post, submitted=submitted, published=when)
        return post
    if spec.status == S.SCHEDULED:
        publish_at = max(when, timezone.now() + timedelta(hours=1))
        post = services.post_approve(post=post, actor=editor, publish_at=publish_at)
        submitted = timezone.now() - timedelta(hours=2)
    elif spec.status == S.CHANGES_REQUESTED:
        post = services.post_request_changes(
            post=post,
            actor=editor,
            reason_type=_refusal_reason(spec.reason_type),
            comment=spec.comment or "Mohon lengkapi.",
        )
    elif spec.status == S.REJECTED:
        post = services.post_reject(
            post=post,
            actor=editor,
            reason_type=_refusal_reason(spec.reason_type),
            comment=spec.reason or "Tidak layak terbit.",
        )
    _backdate(post, submitted=min(submitted, timezone.now()), published=None)
    return post


def _refusal_reason(slug: str) -> RefusalReason | None:
    """The demo's reason type: the one named, else the first one kept active."""
    active = RefusalReason.objects.filter(is_active=True)
    if not active.exists():
        # Migrated, then emptied (a transactional test's flush): the initial
        # reason types come back from their migration.
        from django.apps import apps

        import_module("news.migrations.0013_checks_and_read_count").add_initial_reasons(
            apps, None
        )
    return active.filter(slug=slug).first() or active.first()


def demo_load_posts(*, stdout: TextIO | None = None) -> int:
    """Create the demo posts that do not exist yet; returns how many were made."""
    units = _units_by_key()
    editor = User.objects.filter(username="editor", is_active=True).first()
    if editor is not None and not editor.is_editor:
        editor = None
    if editor is None:
        _write(stdout, "Berita demo: akun editor tidak ada; berita hanya dikirim.")
    if not Category.objects.exists():
        _write(stdout, "Berita demo: kategori belum ada (jalankan migrate).")
        return 0

    created, missing = 0, set()
    # Mail from the demo goes nowhere (tasks that run in-process).
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        for index, spec in enumerate(POSTS):
            unit = units.get(normalize_unit_name(spec.unit))
            if unit is None:
                missing.add(spec.unit)
                continue
            if Post.objects.filter(unit=unit, title=spec.title).exists():
                continue
            _load_one(spec, index, unit=unit, editor=editor)
            created += 1
    for name in sorted(missing):
        _write(stdout, "Berita demo: UPT %s tidak ditemukan, dilewati." % name)
    _write(
        stdout,
        "Berita demo: %d dibuat, %d sudah ada."
        % (created, len(POSTS) - created - len(missing)),
    )
    return created
