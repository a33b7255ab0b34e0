"""A Hypothesis state machine over the editorial workflow.

Each run builds two units in one region (one whose submissions go through
its head first) with a post each, and seven people: a contributor and the
head of the first unit, a contributor of the other unit, the reviewer of
their region, a reviewer of another region, an editor, and an editor whose
account was deactivated. Rules then call the services (news.services: the
unit's moves, the editors' decisions, the reviewer's advice, featuring,
edits, the scheduler's publication) as any of them, on either post, in any
order, with or without the comment or reason a decision needs.

After every step, for every post:

- a refused action (ValidationError) changed nothing: status, dates,
  featured flag and the audit rows are what they were;
- an accepted one was taken by someone allowed to take it, moved the post
  as the transition table (news.services.workflow.TRANSITIONS) allows from
  the status it had, and added exactly one PostEvent naming the action, the
  actor and both statuses (a change that changes nothing adds none);
- no audit row was lost or changed, and the rows form one unbroken chain of
  statuses from the first draft to the status the post has now;
- published posts have published_at, scheduled ones publish_at, only a
  published post is featured, and a post waiting for a decision has
  submitted_at.

Runs on PostgreSQL (row locks, savepoints) in a django_db test; each run is
rolled back. Bounded: tests/fuzzing.py sets the examples, and each run takes
at most STEPS steps (HYPOTHESIS_PROFILE=long for more).
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from news import services
from news.models import (
    EDITABLE_BY_UNIT,
    Post,
    PostAction,
    PostEvent,
    PostStatus,
    Recommendation,
)
from news.services.workflow import TRANSITIONS
from tests.factories import (
    EditorFactory,
    PostFactory,
    RefusalReasonFactory,
    ReviewerFactory,
    UnitFactory,
    UserFactory,
)
from tests.fuzzing import SCALE, fuzz_settings
from units.models import Region, Role

pytestmark = pytest.mark.django_db

S = PostStatus
A = PostAction
STEPS = 25
ACTORS = (
    "contributor",
    "head",
    "other_contributor",
    "reviewer",
    "other_reviewer",
    "editor",
    "inactive_editor",
)
# Where an accepted action leaves the post (None: where it was).
TARGETS = {
    A.SUBMIT: {S.HEAD_REVIEW, S.SUBMITTED},
    A.HEAD_APPROVE: {S.SUBMITTED},
    A.HEAD_RETURN: {S.CHANGES_REQUESTED},
    A.WITHDRAW: {S.DRAFT},
    A.APPROVE: {S.PUBLISHED},
    A.SCHEDULE: {S.SCHEDULED},
    A.REQUEST_CHANGES: {S.CHANGES_REQUESTED},
    A.REJECT: {S.REJECTED},
    A.UNPUBLISH: {S.UNPUBLISHED},
    A.PUBLISH: {S.PUBLISHED},
    A.REPUBLISH: {S.PUBLISHED},
    A.FEATURE: None,
    A.UNFEATURE: None,
    A.RECOMMEND: None,
    A.EDIT: None,
}
EDITORIAL = {
    A.APPROVE,
    A.SCHEDULE,
    A.REQUEST_CHANGES,
    A.REJECT,
    A.UNPUBLISH,
    A.REPUBLISH,
    A.FEATURE,
    A.UNFEATURE,
    A.EDIT,
}
WAITING = {S.HEAD_REVIEW, S.SUBMITTED}

comments = st.one_of(
    st.just("Perbaiki judul dan sebutkan tanggal."),
    st.sampled_from(["", "   ", "x", "Perbaiki judul dan sebutkan tanggal."]),
)
# A post by its index, or "fitting": one whose status the action starts
# from, when there is one (so runs get far without always succeeding).
posts = st.one_of(st.just("fitting"), st.sampled_from([0, 1]))
actors = st.sampled_from(ACTORS)


def mostly(*names: str) -> st.SearchStrategy[str]:
    """Mostly someone who may take the action, sometimes anyone: the runs
    get far into the workflow and still try every refusal."""
    return st.one_of(st.sampled_from(names), st.sampled_from(names), actors)


def event_rows(post_id: int) -> list[tuple]:
    """A post's audit rows, oldest first, with every field that must not change."""
    return list(
        PostEvent.objects.filter(post_id=post_id)
        .order_by("id")
        .values_list(
            "id",
            "action",
            "from_status",
            "to_status",
            "actor_id",
            "comment",
            "reason_id",
            "created_at",
        )
    )


def post_state(post_id: int) -> tuple:
    return tuple(
        Post.objects.filter(pk=post_id).values_list(
            "status",
            "published_at",
            "publish_at",
            "is_featured",
            "submitted_at",
            "title",
        )[0]
    )


class EditorialWorkflow(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Every run starts from the same database: its rows roll back.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        region = Region.objects.get(province_code="31")
        unit = UnitFactory(region=region, requires_head_approval=True)
        sister = UnitFactory(region=region, requires_head_approval=False)
        self.people = {
            "contributor": UserFactory(unit=unit, role=Role.CONTRIBUTOR),
            "head": UserFactory(unit=unit, role=Role.HEAD),
            "other_contributor": UserFactory(unit=sister, role=Role.CONTRIBUTOR),
            "reviewer": ReviewerFactory(region=region),
            "other_reviewer": ReviewerFactory(),  # Jawa Tengah
            "editor": EditorFactory(),
            "inactive_editor": EditorFactory(is_active=False),
        }
        # The second post is the other unit's, with no head in between; the
        # first unit's contributor is the "other unit" to it.
        self.posts = [
            PostFactory(unit=unit, author=self.people["contributor"]),
            PostFactory(unit=sister, author=self.people["other_contributor"]),
        ]
        self.reason = RefusalReasonFactory()
        self.now = timezone.now()
        self.edits = 0
        self.seen = {post.pk: [] for post in self.posts}
        self.states = {post.pk: post_state(post.pk) for post in self.posts}
        self.accepted = dict.fromkeys(self.seen, 0)

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- Who may do what ------------------------------------------------------

    def allowed(self, action: str, actor_name: str | None, post: Post) -> bool:
        if actor_name is None:
            return action == A.PUBLISH  # the scheduler
        actor = self.people[actor_name]
        if not actor.is_active:
            return False
        member = actor.unit_id == post.unit_id and actor.role in (
            Role.CONTRIBUTOR,
            Role.HEAD,
        )
        if action in (A.SUBMIT, A.WITHDRAW):
            return member
        if action in (A.HEAD_APPROVE, A.HEAD_RETURN):
            return member and actor.role == Role.HEAD
        if action == A.RECOMMEND:
            return actor.role == Role.REVIEWER and actor.region_id == (
                post.unit.region_id
            )
        if action == A.EDIT:
            return actor.is_editor
        if action in EDITORIAL:
            return actor.is_editor
        return False

    # --- Doing it -------------------------------------------------------------

    def pick(self, action: str, index) -> Post:
        if index != "fitting":
            return self.posts[index]
        for post in self.posts:
            status, featured = self.states[post.pk][0], self.states[post.pk][3]
            if action == A.UNFEATURE:
                fits = featured
            elif action == A.FEATURE:
                fits = status == S.PUBLISHED and not featured
            else:
                fits = status in TRANSITIONS.get(action, S.values)
            if fits:
                return post
        return self.posts[0]

    def act(self, action: str, actor_name: str | None, index: int, call) -> None:
        """Call the service; then check the step (see the module docstring)."""
        post = self.pick(action, index)
        before_state = post_state(post.pk)
        before_events = event_rows(post.pk)
        try:
            call(post, self.people.get(actor_name))
        except ValidationError:
            assert post_state(post.pk) == before_state, "a refusal changed the post"
            assert event_rows(post.pk) == before_events, "a refusal wrote an event"
            return
        after_events = event_rows(post.pk)
        new = after_events[len(before_events) :]
        assert after_events[: len(before_events)] == before_events, "audit row lost"
        if not new:
            # Accepted without a record: only asking for what already is
            # (featuring a featured post), or a unit's own edit of its text.
            assert action in (A.FEATURE, A.UNFEATURE) or (
                action == A.EDIT and not self.people[actor_name].is_editor
            ), "%s accepted without an audit row" % action
            assert post_state(post.pk)[:5] == before_state[:5]
            if action == A.EDIT:
                who = self.people[actor_name]
                assert who.is_active and who.unit_id == post.unit_id
                assert before_state[0] in EDITABLE_BY_UNIT
            return
        assert len(new) == 1, "%s wrote %d audit rows" % (action, len(new))
        self.check_event(new[0], action, actor_name, post, before_state[0])

    def check_event(self, event, action, actor_name, post, from_status) -> None:
        _id, recorded, from_recorded, to_recorded, actor_id, *_rest = event
        if action == A.APPROVE and recorded == A.SCHEDULE:
            action = A.SCHEDULE
        assert recorded == action
        assert self.allowed(action, actor_name, post), "%s may not %s" % (
            actor_name,
            action,
        )
        expected_actor = self.people[actor_name].pk if actor_name else None
        assert actor_id == expected_actor
        assert from_recorded == from_status
        if action in TRANSITIONS:
            assert from_status in TRANSITIONS[action], (action, from_status)
        status = post_state(post.pk)[0]
        assert to_recorded == status
        targets = TARGETS[action]
        assert status in targets if targets else status == from_status
        self.accepted[post.pk] += 1
        REACHED["actions"].add(action)

    # --- Where a run starts -----------------------------------------------------

    # The moves that bring a post to each status, taken by the people allowed
    # to (through the rules, so they are checked like any other step).
    ROUTES = {
        S.DRAFT: (),
        S.HEAD_REVIEW: (A.SUBMIT,),
        S.SUBMITTED: (A.SUBMIT, A.HEAD_APPROVE),
        S.CHANGES_REQUESTED: (A.SUBMIT, A.HEAD_APPROVE, A.REQUEST_CHANGES),
        S.REJECTED: (A.SUBMIT, A.HEAD_APPROVE, A.REJECT),
        S.SCHEDULED: (A.SUBMIT, A.HEAD_APPROVE, A.SCHEDULE),
        S.PUBLISHED: (A.SUBMIT, A.HEAD_APPROVE, A.APPROVE, A.FEATURE),
        S.UNPUBLISHED: (A.SUBMIT, A.HEAD_APPROVE, A.APPROVE, A.UNPUBLISH),
    }

    @initialize(first=st.sampled_from(S.values), second=st.sampled_from(S.values))
    def start_from(self, first, second):
        """Each run starts with its posts anywhere in the workflow."""
        reason = "Perbaiki judul dan sebutkan tanggal."
        for index, target in enumerate((first, second)):
            writer = ("contributor", "other_contributor")[index]
            for move in self.ROUTES[target]:
                if move == A.SUBMIT:
                    self.submit(actor=writer, index=index, note="")
                elif move == A.HEAD_APPROVE:
                    # The second post's unit has no head step: refused there.
                    self.head_approve(actor="head", index=index)
                elif move in (A.APPROVE, A.SCHEDULE):
                    self.approve(actor="editor", index=index, later=move == A.SCHEDULE)
                elif move == A.REQUEST_CHANGES:
                    self.request_changes("editor", index, reason, with_reason=True)
                elif move == A.REJECT:
                    self.reject("editor", index, reason, with_reason=True)
                elif move == A.FEATURE:
                    self.feature(actor="editor", index=index, featured=True)
                elif move == A.UNPUBLISH:
                    self.unpublish(actor="editor", index=index, reason=reason)
                self.audit_trail_is_whole()
            if index == 1 and target == S.HEAD_REVIEW:
                target = S.SUBMITTED  # its unit sends straight to the editors
            assert post_state(self.posts[index].pk)[0] == target

    # --- Rules: the unit ---------------------------------------------------------

    @rule(
        actor=mostly("contributor", "head", "other_contributor"),
        index=posts,
        note=comments,
    )
    def submit(self, actor, index, note):
        self.act(
            A.SUBMIT,
            actor,
            index,
            lambda post, who: services.post_submit(post=post, actor=who, note=note),
        )

    @rule(actor=mostly("head"), index=posts)
    def head_approve(self, actor, index):
        self.act(
            A.HEAD_APPROVE,
            actor,
            index,
            lambda post, who: services.post_head_approve(post=post, actor=who),
        )

    @rule(actor=mostly("head"), index=posts, comment=comments)
    def head_return(self, actor, index, comment):
        self.act(
            A.HEAD_RETURN,
            actor,
            index,
            lambda post, who: services.post_head_return(
                post=post, actor=who, comment=comment
            ),
        )

    @rule(actor=mostly("contributor", "head", "other_contributor"), index=posts)
    def withdraw(self, actor, index):
        self.act(
            A.WITHDRAW,
            actor,
            index,
            lambda post, who: services.post_withdraw(post=post, actor=who),
        )

    @rule(actor=mostly("editor", "contributor"), index=posts)
    def edit(self, actor, index):
        self.edits += 1
        title = "Pelatihan menjahit, versi %d" % self.edits
        self.act(
            A.EDIT,
            actor,
            index,
            lambda post, who: services.post_update(post=post, actor=who, title=title),
        )

    # --- Rules: the editors and the reviewer ----------------------------------------

    @rule(actor=mostly("editor"), index=posts, later=st.booleans())
    def approve(self, actor, index, later):
        publish_at = self.now + timedelta(days=1) if later else None
        self.act(
            A.APPROVE,
            actor,
            index,
            lambda post, who: services.post_approve(
                post=post, actor=who, publish_at=publish_at
            ),
        )

    @rule(
        actor=mostly("editor"), index=posts, comment=comments, with_reason=st.booleans()
    )
    def request_changes(self, actor, index, comment, with_reason):
        reason = self.reason if with_reason else None
        self.act(
            A.REQUEST_CHANGES,
            actor,
            index,
            lambda post, who: services.post_request_changes(
                post=post, actor=who, reason_type=reason, comment=comment
            ),
        )

    @rule(
        actor=mostly("editor"), index=posts, comment=comments, with_reason=st.booleans()
    )
    def reject(self, actor, index, comment, with_reason):
        reason = self.reason if with_reason else None
        self.act(
            A.REJECT,
            actor,
            index,
            lambda post, who: services.post_reject(
                post=post, actor=who, reason_type=reason, comment=comment
            ),
        )

    @rule(actor=mostly("editor"), index=posts, reason=comments)
    def unpublish(self, actor, index, reason):
        self.act(
            A.UNPUBLISH,
            actor,
            index,
            lambda post, who: services.post_unpublish(
                post=post, actor=who, reason=reason
            ),
        )

    @rule(actor=mostly("editor"), index=posts)
    def republish(self, actor, index):
        self.act(
            A.REPUBLISH,
            actor,
            index,
            lambda post, who: services.post_republish(post=post, actor=who),
        )

    @rule(actor=mostly("editor"), index=posts, featured=st.booleans())
    def feature(self, actor, index, featured):
        self.act(
            A.FEATURE if featured else A.UNFEATURE,
            actor,
            index,
            lambda post, who: services.post_set_featured(
                post=post, actor=who, featured=featured
            ),
        )

    @rule(
        actor=mostly("reviewer"),
        index=posts,
        recommendation=st.one_of(
            st.sampled_from(Recommendation.values), st.just("terbitkan!")
        ),
        comment=comments,
    )
    def recommend(self, actor, index, recommendation, comment):
        self.act(
            A.RECOMMEND,
            actor,
            index,
            lambda post, who: services.post_recommend(
                post=post, actor=who, recommendation=recommendation, comment=comment
            ),
        )

    # --- Rule: the clock -----------------------------------------------------

    @precondition(
        lambda self: any(state[0] == S.SCHEDULED for state in self.states.values())
    )
    @rule()
    def scheduled_time_comes(self):
        """The scheduler runs after every scheduled time has come."""
        before = {pk: (post_state(pk), event_rows(pk)) for pk in self.seen}
        services.post_publish_due(now=self.now + timedelta(days=2))
        for index, post in enumerate(self.posts):
            state, events = before[post.pk]
            after = event_rows(post.pk)
            assert after[: len(events)] == events
            if state[0] == S.SCHEDULED:
                assert len(after) == len(events) + 1
                self.check_event(after[-1], A.PUBLISH, None, post, S.SCHEDULED)
                assert post_state(post.pk)[1] == state[2], "published at its time"
            else:
                assert after == events and post_state(post.pk) == state, index

    # --- After every step ----------------------------------------------------

    @invariant()
    def audit_trail_is_whole(self):
        for post in self.posts:
            rows = event_rows(post.pk)
            # Earlier rows are never removed or changed.
            assert rows[: len(self.seen[post.pk])] == self.seen[post.pk]
            assert len(rows) == self.accepted[post.pk]
            # One unbroken chain of statuses from the draft to now.
            status = S.DRAFT
            for row in rows:
                assert row[2] == status, "a transition is missing from the audit"
                status = row[3]
            state = post_state(post.pk)
            assert state[0] == status
            self.seen[post.pk] = rows
            self.states[post.pk] = state
            REACHED["statuses"].add(state[0])

    @invariant()
    def statuses_carry_their_dates(self):
        for post in self.posts:
            status, published_at, publish_at, featured, submitted_at, _ = post_state(
                post.pk
            )
            assert status in S.values
            if status == S.PUBLISHED:
                assert published_at is not None
            if status == S.SCHEDULED:
                assert publish_at is not None
            if featured:
                assert status == S.PUBLISHED
            if status in WAITING:
                assert submitted_at is not None


# What the runs reached, to show that they explore the whole workflow.
REACHED = {"actions": set(), "statuses": set()}


def test_no_sequence_of_actions_reaches_an_illegal_state_or_loses_an_audit_row():
    REACHED["actions"].clear()
    REACHED["statuses"].clear()
    run_state_machine_as_test(
        EditorialWorkflow,
        settings=fuzz_settings(40, stateful_step_count=STEPS * min(SCALE, 3)),
    )
    print("reached", sorted(REACHED["statuses"]), sorted(REACHED["actions"]))
    # Every status, thanks to start_from; which actions the random steps
    # accept varies with the examples, so the walk below takes each once.
    assert REACHED["statuses"] == set(S.values)


def test_the_machine_checks_every_action_on_one_walk():
    """Every action accepted once through the machine's own rules and checks,
    whatever the random runs above happen to reach."""
    REACHED["actions"].clear()
    note = "Judul dan tanggal sudah diperbaiki."
    walks = [
        [
            lambda m: m.start_from(first=S.HEAD_REVIEW, second=S.SCHEDULED),
            lambda m: m.head_return("head", 0, "Lengkapi tanggal kegiatan."),
            lambda m: m.edit("contributor", 0),
            lambda m: m.submit("contributor", 0, note),
            lambda m: m.withdraw("contributor", 0),
            lambda m: m.submit("contributor", 0, note),
            lambda m: m.head_approve("head", 0),
            lambda m: m.recommend("reviewer", 0, Recommendation.values[0], "Layak."),
            lambda m: m.request_changes("editor", 0, note, with_reason=True),
            lambda m: m.edit("contributor", 0),
            lambda m: m.submit("head", 0, note),
            lambda m: m.scheduled_time_comes(),
            lambda m: m.feature("editor", 1, featured=True),
            lambda m: m.feature("editor", 1, featured=False),
            lambda m: m.edit("editor", 1),
            lambda m: m.unpublish("editor", 1, "Foto tanpa izin."),
            lambda m: m.republish("editor", 1),
        ],
        # Approval, featuring and rejection, on the way to where they start.
        [lambda m: m.start_from(first=S.REJECTED, second=S.PUBLISHED)],
    ]
    for walk in walks:
        machine = EditorialWorkflow()
        try:
            for step in walk:
                step(machine)
                machine.audit_trail_is_whole()
                machine.statuses_carry_their_dates()
        finally:
            machine.teardown()
    assert REACHED["actions"] == set(TARGETS)
