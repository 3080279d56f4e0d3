"""Crisis language in a post raises an alert in the post's own transaction; edits are
re-scanned; the group's policy may hold such posts; facilitators acknowledge and resolve;
the lexicon admins edit takes effect at once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from groups import services as group_services
from groups.models import Post
from moderation.models import AuditLogEntry, CrisisAlert, LexiconEntry, LexiconRescan, ReviewItem
from moderation.services import crisis, lexicon
from moderation.tasks import lexicon_rescan_task
from tests.factories import CALM_TEXT, CRISIS_TEXT, IMMINENT_TEXT, make_rule, make_thread

pytestmark = pytest.mark.usefixtures("fresh_lexicon")

CRISIS, IMMINENT, CALM = CRISIS_TEXT, IMMINENT_TEXT, CALM_TEXT


@pytest.fixture
def thread(member, group):
    return make_thread(author=member, group=group)


def _reply(author, thread, body: str) -> Post:
    return group_services.post_create(author=author, thread=thread, body=body)


def test_post_create_with_crisis_language_raises_alert_with_the_post(
    member, other_member, thread, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        post = _reply(other_member, thread, CRISIS)
    alert = CrisisAlert.objects.get(post=post)
    assert post.crisis_alert == alert
    assert alert.source == CrisisAlert.Source.DETECTED
    assert alert.severity >= CrisisAlert.Severity.HIGH
    assert alert.subject == other_member
    assert alert.group == thread.group
    assert alert.findings["findings"], "the facilitator is told what matched"
    item = alert.review_item
    assert item.kind == ReviewItem.Kind.CRISIS and item.severity == alert.severity
    assert item.state == ReviewItem.State.OPEN
    assert AuditLogEntry.objects.filter(action="crisis.alert_raised", post=post).exists()
    assert callbacks, "delivery is dispatched after commit"
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED  # published: the group does not hold


def test_imminent_language_raises_imminent_alert(other_member, thread) -> None:
    post = _reply(other_member, thread, IMMINENT)
    assert CrisisAlert.objects.get(post=post).severity == CrisisAlert.Severity.IMMINENT


def test_calm_post_raises_nothing(other_member, thread) -> None:
    post = _reply(other_member, thread, CALM)
    assert post.crisis_alert is None
    assert not CrisisAlert.objects.exists()


def test_alert_rolls_back_with_its_post(other_member, thread) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _reply(other_member, thread, CRISIS)
        assert CrisisAlert.objects.count() == 1
        raise RuntimeError("the request failed after the post was written")
    assert not Post.objects.filter(body=CRISIS).exists()
    assert not CrisisAlert.objects.exists()
    assert not ReviewItem.objects.filter(kind=ReviewItem.Kind.CRISIS).exists()


def test_group_policy_holds_crisis_posts_and_still_alerts(other_member, thread) -> None:
    thread.group.hold_crisis_posts = True
    thread.group.save()
    post = _reply(other_member, thread, CRISIS)
    post.refresh_from_db()
    assert post.state == Post.State.PENDING
    assert CrisisAlert.objects.filter(post=post).exists()
    assert ReviewItem.objects.filter(kind=ReviewItem.Kind.PENDING_POST, post=post).exists()


def test_thread_title_is_screened_too(other_member, group) -> None:
    thread = group_services.thread_create(
        author=other_member, group=group, title="I want to kill myself", body="That's all."
    )
    assert CrisisAlert.objects.filter(post__thread=thread).exists()


def test_edit_adding_crisis_language_alerts_and_rising_severity_updates(
    other_member, thread
) -> None:
    post = _reply(other_member, thread, CALM)
    group_services.post_edit(editor=other_member, post=post, body=CRISIS, content_warning="")
    alert = CrisisAlert.objects.get(post=post)
    first_severity = alert.severity
    group_services.post_edit(editor=other_member, post=post, body=IMMINENT, content_warning="")
    alert.refresh_from_db()
    assert CrisisAlert.objects.filter(post=post).count() == 1  # raised, not duplicated
    assert alert.severity == CrisisAlert.Severity.IMMINENT > first_severity
    assert alert.review_item.severity == CrisisAlert.Severity.IMMINENT


def test_edit_after_resolution_with_same_evidence_does_not_alert_again(
    other_member, thread, facilitator
) -> None:
    post = _reply(other_member, thread, CRISIS)
    alert = CrisisAlert.objects.get(post=post)
    crisis.alert_resolve(
        alert=alert, actor=facilitator, outcome=CrisisAlert.Outcome.REACHED_OUT, note="Spoke."
    )
    group_services.post_edit(
        editor=other_member, post=post, body=CRISIS + " Sorry for typos.", content_warning=""
    )
    assert CrisisAlert.objects.filter(post=post).count() == 1
    group_services.post_edit(editor=other_member, post=post, body=IMMINENT, content_warning="")
    assert CrisisAlert.objects.filter(post=post).count() == 2  # worse now: a new alert


def test_acknowledge_then_resolve_records_who_and_schedules_follow_up(
    other_member, thread, facilitator
) -> None:
    alert = _reply(other_member, thread, CRISIS).crisis_alert
    crisis.alert_acknowledge(alert=alert, actor=facilitator)
    crisis.alert_acknowledge(alert=alert, actor=facilitator)  # harmless twice
    alert.refresh_from_db()
    assert alert.state == CrisisAlert.State.ACKNOWLEDGED
    assert alert.acknowledged_by == facilitator
    crisis.alert_resolve(
        alert=alert, actor=facilitator, outcome=CrisisAlert.Outcome.REACHED_OUT, note="DM sent"
    )
    alert.refresh_from_db()
    assert alert.state == CrisisAlert.State.RESOLVED
    assert alert.follow_up_due_at is not None
    assert alert.review_item.state == ReviewItem.State.RESOLVED
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {"crisis.alert_acknowledged", "crisis.alert_resolved"} <= actions
    with pytest.raises(PermissionDenied):
        crisis.alert_resolve(alert=alert, actor=facilitator, outcome="false_alarm")


def test_false_alarm_schedules_no_follow_up(other_member, thread, facilitator) -> None:
    alert = _reply(other_member, thread, CRISIS).crisis_alert
    crisis.alert_resolve(alert=alert, actor=facilitator, outcome=CrisisAlert.Outcome.FALSE_ALARM)
    alert.refresh_from_db()
    assert alert.follow_up_due_at is None


def test_resolve_refuses_bad_outcome_and_changes_nothing(other_member, thread, facilitator):
    alert = _reply(other_member, thread, CRISIS).crisis_alert
    with pytest.raises(ValidationError):
        crisis.alert_resolve(alert=alert, actor=facilitator, outcome="made-up")
    with pytest.raises(ValidationError):
        crisis.alert_resolve(alert=alert, actor=facilitator, outcome="reached_out", note="x" * 5000)
    alert.refresh_from_db()
    assert alert.state == CrisisAlert.State.OPEN


def test_only_the_groups_facilitators_and_admins_may_answer(
    other_member, thread, member, admin_user
) -> None:
    from django.http import Http404

    alert = _reply(other_member, thread, CRISIS).crisis_alert
    with pytest.raises(Http404):
        crisis.alert_acknowledge(alert=alert, actor=member)
    crisis.alert_acknowledge(alert=alert, actor=admin_user)
    alert.refresh_from_db()
    assert alert.acknowledged_by == admin_user


def test_view_record_collapses_quick_reopening(other_member, thread, facilitator) -> None:
    alert = _reply(other_member, thread, CRISIS).crisis_alert
    assert crisis.alert_view_record(alert=alert, viewer=facilitator) is not None
    assert crisis.alert_view_record(alert=alert, viewer=facilitator) is None
    assert alert.views.count() == 1


# --- the lexicon as data ---


def test_lexicon_is_loaded_into_the_editable_table_and_sync_is_idempotent(db) -> None:
    assert LexiconEntry.objects.filter(from_default=True).count() > 50  # the migration
    assert {"en", "es", "fr", "de"} <= set(LexiconEntry.objects.values_list("language", flat=True))
    counts = lexicon.lexicon_sync_defaults()
    assert counts == {"added": 0, "updated": 0, "disabled": 0}


def test_admin_added_entry_takes_effect_without_restart(
    admin_user, other_member, thread, django_capture_on_commit_callbacks
) -> None:
    text = "honestly thinking about taking the blue bridge exit again"
    assert lexicon.assess_text(text).severity == 0
    entry = LexiconEntry(
        key="local.blue_bridge",
        pattern="blue bridge exit",
        kind="phrase",
        signal="ideation_active",
        severity="high",
        language="en",
        first_person=False,
        examples=["thinking about the blue bridge exit"],
        counter_examples=["we painted the fence blue"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        lexicon.lexicon_entry_save(entry=entry, actor=admin_user)
    assert lexicon.assess_text(text).severity >= 2
    assert AuditLogEntry.objects.filter(action="crisis.lexicon_changed").exists()
    entry.refresh_from_db()
    assert entry.edited and entry.updated_by == admin_user


def test_invalid_lexicon_entry_is_refused_with_reasons(admin_user) -> None:
    entry = LexiconEntry(
        key="local.bad", pattern="(unclosed", kind="regex", signal="means", severity="high"
    )
    with pytest.raises(ValidationError):
        lexicon.lexicon_entry_save(entry=entry, actor=admin_user)
    assert not LexiconEntry.objects.filter(key="local.bad").exists()


def test_disabling_an_entry_stops_it_firing(admin_user, django_capture_on_commit_callbacks):
    assert lexicon.assess_text(CRISIS).severity >= 3
    fired = set(lexicon.assess_text(CRISIS).rule_ids)
    with django_capture_on_commit_callbacks(execute=True):
        for entry in LexiconEntry.objects.filter(key__in=fired):
            entry.enabled = False
            lexicon.lexicon_entry_save(entry=entry, actor=admin_user)
    assert set(lexicon.assess_text(CRISIS).rule_ids).isdisjoint(fired)


def test_rescan_raises_alerts_for_recent_posts_once(
    admin_user, other_member, thread, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    post = _reply(other_member, thread, "thinking about the blue bridge exit again")
    assert not CrisisAlert.objects.filter(post=post).exists()
    entry = LexiconEntry(
        key="local.blue_bridge",
        pattern="blue bridge exit",
        kind="phrase",
        signal="ideation_active",
        severity="high",
        language="en",
        examples=["thinking about the blue bridge exit"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        lexicon.lexicon_entry_save(entry=entry, actor=admin_user)
    queued = []
    monkeypatch.setattr(lexicon_rescan_task, "delay", queued.append)
    with django_capture_on_commit_callbacks() as callbacks:
        rescan = lexicon.lexicon_rescan_start(actor=admin_user, days=7)
        assert queued == []  # nothing before commit
    for callback in callbacks:  # the commit: the task is queued (and the action logged)
        callback()
    assert queued == [rescan.pk]  # queued once after commit; here it runs inline
    lexicon.lexicon_rescan_run(rescan.pk)
    rescan.refresh_from_db()
    assert rescan.state == LexiconRescan.State.DONE
    assert rescan.done == rescan.total >= 2 and rescan.percent == 100
    assert rescan.alerts_raised == 1
    assert CrisisAlert.objects.filter(post=post).count() == 1
    lexicon.lexicon_rescan_run(rescan.pk)  # a second run changes nothing
    assert CrisisAlert.objects.filter(post=post).count() == 1
    with pytest.raises(ValidationError):
        lexicon.lexicon_rescan_start(actor=admin_user, days=365)


def test_deleting_or_removing_the_post_leaves_the_alert_open(
    other_member, thread, facilitator
) -> None:
    from moderation.services.posts import post_remove

    deleted = _reply(other_member, thread, CRISIS)
    group_services.post_delete(actor=other_member, post=deleted)
    removed = _reply(other_member, thread, IMMINENT)
    post_remove(actor=facilitator, post=removed, rule=make_rule(thread.group), message="")
    for post in (deleted, removed):
        alert = CrisisAlert.objects.get(post=post)
        assert alert.state == CrisisAlert.State.OPEN
        assert alert.review_item.state == ReviewItem.State.OPEN
