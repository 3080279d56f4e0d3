"""'Your data': the export holds everything the member gave Haven and nothing of anyone
else's; erasure removes the member (keeping or removing their posts) and nothing else."""

import json
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import tasks
from accounts.export import export_document, export_json
from accounts.models import DataExport, Notification, NotificationPreference, User
from accounts.services import data
from groups import services as group_services
from groups.models import Membership, Post, PostRevision, Reaction, Thread
from moderation.models import AuditLogEntry, CrisisAlert, Flag, WellbeingConcern
from moderation.services.audit import audit_record
from moderation.services.concerns import concern_raise
from moderation.services.crisis import alert_resolve
from moderation.services.facilitator_notes import facilitator_note_add
from moderation.services.flags import flag_create
from moderation.services.notes import staff_note_add
from moderation.services.sanctions import sanction_apply
from tests.factories import (
    CRISIS_TEXT,
    UserFactory,
    give_totp,
    make_rule,
    make_thread,
    totp_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_lexicon")]

PASSWORD = "a-long-test-password"

# Words of the member's own, which the export must hold.
MINE = {
    "bio": "Walks by the sea help.",
    "opening": "MINE-opening-I-have-been-struggling-with-sleep",
    "edited": "MINE-edited-sleep-is-a-little-better-now",
    "reply": "MINE-reply-thank-you-for-listening",
    "flag_note": "MINE-flag-note-this-felt-unkind",
    "concern_note": "MINE-concern-note-they-seem-low",
    "entry": "MINE-entry-answer-I-lost-my-dad",
}
# Words and names of others, which the export must never hold.
CANARIES = {
    "other_reply": "CANARY-other-reply-you-are-not-alone",
    "anon_reply": "CANARY-anonymous-reply-same-here",
    "flag_note": "CANARY-flagger-note-about-the-member",
    "staff_note": "CANARY-staff-note-about-the-member",
    "facilitator_note": "CANARY-facilitator-note-under-the-post",
    "concern_note": "CANARY-concern-about-the-member",
    "outcome_note": "CANARY-crisis-outcome-note",
    "audit_reason": "CANARY-audit-reason",
}
NAUGHTY = [
    "Robert'); DROP TABLE accounts_user;--",
    '</script><script>alert("x")</script>',
    "\u202eevil right-to-left\u202c",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "𝕳𝖆𝖛𝖊𝖓 🫶🏽 \u2028 line\u2029 para \\u0000 \\\\",
    '{"format": "haven-export/1"}',
    "null",
]


@pytest.fixture
def world(group, member, other_member, facilitator, admin_user):
    """The member's activity, and around it everything others did that must stay out."""
    group.allow_anonymous = True
    group.save(update_fields=["allow_anonymous"])
    member.bio = MINE["bio"]
    member.save(update_fields=["bio"])
    Membership.objects.filter(user=member, group=group).update(entry_answer=MINE["entry"])
    thread = make_thread(author=member, group=group, title="Sleep", body=MINE["opening"])
    opening = thread.posts.get()
    opening = group_services.post_edit(
        editor=member, post=opening, body=MINE["edited"], content_warning=""
    )
    other_reply = group_services.post_create(
        author=other_member, thread=thread, body=CANARIES["other_reply"], reply_to=opening
    )
    anon_reply = group_services.post_create(
        author=other_member, thread=thread, body=CANARIES["anon_reply"], anonymous=True
    )
    my_reply = group_services.post_create(
        author=member, thread=thread, body=MINE["reply"], reply_to=other_reply
    )
    group_services.reaction_toggle(user=member, post=other_reply, kind="hug")
    group_services.reaction_toggle(user=other_member, post=opening, kind="me_too")
    flag_create(reporter=member, post=other_reply, reason="other", note=MINE["flag_note"])
    flag_create(reporter=other_member, post=my_reply, reason="other", note=CANARIES["flag_note"])
    concern_raise(sender=member, subject=other_member, post=other_reply, note=MINE["concern_note"])
    concern_raise(sender=other_member, subject=member, post=opening, note=CANARIES["concern_note"])
    staff_note_add(author=facilitator, member=member, body=CANARIES["staff_note"], group=group)
    facilitator_note_add(actor=facilitator, post=opening, body=CANARIES["facilitator_note"])
    crisis_post = group_services.post_create(author=member, thread=thread, body=CRISIS_TEXT)
    alert = CrisisAlert.objects.get(post=crisis_post, source=CrisisAlert.Source.DETECTED)
    alert_resolve(
        alert=alert, actor=facilitator, outcome="reached_out", note=CANARIES["outcome_note"]
    )
    sanction_apply(
        actor=facilitator,
        member=member,
        kind="warning",
        rule=make_rule(group),
        group=group,
        message="Please give others room to speak.",
    )
    audit_record(
        actor=admin_user, action="test.note", target_user=member, reason=CANARIES["audit_reason"]
    )
    NotificationPreference.objects.create(user=member, kind="reply", delivery="email")
    return {
        "thread": thread,
        "opening": opening,
        "my_reply": my_reply,
        "other_reply": other_reply,
        "anon_reply": anon_reply,
        "crisis_post": crisis_post,
        "alert": alert,
    }


# --- the export document ---


def test_export_holds_each_section_of_the_members_data(world, member, group) -> None:
    doc = json.loads(export_json(member))
    assert doc["format"] == "haven-export/1" and doc["generated_at"]
    assert doc["profile"]["handle"] == "quiet_harbour"
    assert doc["profile"]["email"] == member.email and doc["profile"]["bio"] == MINE["bio"]
    assert [m["group"]["slug"] for m in doc["memberships"]] == [group.slug]
    assert doc["memberships"][0]["entry_answer"] == MINE["entry"]
    assert [t["title"] for t in doc["threads"]] == ["Sleep"]
    bodies = [p["body"] for p in doc["posts"]]
    assert MINE["edited"] in bodies and MINE["reply"] in bodies and CRISIS_TEXT in bodies
    opening = next(p for p in doc["posts"] if p["body"] == MINE["edited"])
    assert [r["body"] for r in opening["revisions"]] == [MINE["opening"]]
    assert opening["state"] == "published" and opening["anonymous"] is False
    reply = next(p for p in doc["posts"] if p["body"] == MINE["reply"])
    assert reply["reply_to"] == world["other_reply"].pk
    assert doc["reactions"] == [
        {
            "post": world["other_reply"].pk,
            "kind": "hug",
            "created_at": doc["reactions"][0]["created_at"],
        }
    ]
    assert [f["note"] for f in doc["flags_raised"]] == [MINE["flag_note"]]
    assert doc["flags_raised"][0]["outcome"] == "waiting for review"
    assert [c["note"] for c in doc["concerns_raised"]] == [MINE["concern_note"]]
    assert doc["concerns_raised"][0]["about"] == "A member"
    messages = [n["message"] for n in doc["notifications"]]
    assert "A member replied to you in “Sleep”." in messages
    assert "An anonymous member replied to you in “Sleep”." in messages
    assert doc["settings"]["notification_preferences"] == [{"kind": "reply", "delivery": "email"}]
    assert doc["settings"]["digest_frequency"] == member.digest_frequency
    assert [s["kind"] for s in doc["sanctions"]] == ["warning"]
    assert doc["sanctions"][0]["message"] == "Please give others room to speak."
    assert doc["blocks"] == []


def test_export_never_holds_another_members_data(
    world, member, other_member, facilitator, admin_user
) -> None:
    text = export_json(member)
    for canary in CANARIES.values():
        assert canary not in text
    for person in (other_member, facilitator, admin_user):
        assert person.handle not in text
        assert person.email not in text
    doc = json.loads(text)
    assert not {"findings", "staff_notes", "audit_log", "crisis_alerts"} & set(doc)
    assert "snippet" not in text and "rule_ids" not in text


def test_export_shows_a_removed_or_held_post_as_the_member_knows_it(world, member) -> None:
    Post.objects.filter(pk=world["my_reply"].pk).update(state=Post.State.REMOVED)
    Post.objects.filter(pk=world["opening"].pk).update(state=Post.State.PENDING)
    states = {p["id"]: p["state"] for p in export_document(member)["posts"]}
    assert states[world["my_reply"].pk] == "removed by a facilitator"
    assert states[world["opening"].pk] == "awaiting a facilitator"


def test_export_anonymous_post_is_marked(group, member) -> None:
    group.allow_anonymous = True
    group.save(update_fields=["allow_anonymous"])
    make_thread(author=member, group=group, body="quietly")
    thread = Thread.objects.get()
    group_services.post_create(author=member, thread=thread, body="unnamed", anonymous=True)
    posts = {p["body"]: p for p in export_document(member)["posts"]}
    assert posts["unnamed"]["anonymous"] is True and posts["quietly"]["anonymous"] is False


def test_export_naughty_strings_survive_a_json_round_trip(group, member) -> None:
    thread = make_thread(author=member, group=group, title="Odd text", body="start")
    for text in NAUGHTY:
        group_services.post_create(author=member, thread=thread, body=text)
    member.bio = NAUGHTY[3][:300]
    member.save(update_fields=["bio"])
    doc = json.loads(export_json(member))
    assert doc["profile"]["bio"] == NAUGHTY[3]
    bodies = [p["body"] for p in doc["posts"]]
    for text in NAUGHTY:
        assert text.strip() in bodies


def _queries(user: User) -> int:
    with CaptureQueriesContext(connection) as ctx:
        export_document(user)
    return len(ctx.captured_queries)


def test_export_query_count_is_fixed(group, member, other_member) -> None:
    thread = make_thread(author=member, group=group, body="one")
    small = _queries(User.objects.get(pk=member.pk))
    for n in range(6):
        post = group_services.post_create(author=member, thread=thread, body=f"reply {n}")
        group_services.post_edit(editor=member, post=post, body=f"edited {n}", content_warning="")
        other = group_services.post_create(author=other_member, thread=thread, body=f"o {n}")
        group_services.reaction_toggle(user=member, post=other, kind="hug")
        flag_create(reporter=member, post=other, reason="other", note=f"n {n}")
    large = _queries(User.objects.get(pk=member.pk))
    assert small == large
    assert len(export_document(member)["posts"]) == 7


# --- requesting, building and downloading ---


def test_export_request_enqueues_after_commit_and_the_task_builds_it(
    member, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(tasks.data_export_build_task, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        export = data.export_request(user=member)
    assert sent == [export.pk] and export.state == DataExport.State.QUEUED
    assert tasks.data_export_build_task.run(export.pk) == "ready"
    export.refresh_from_db()
    assert export.state == DataExport.State.READY
    assert export.expires_at - export.ready_at == timedelta(hours=24)
    assert json.loads(export.payload)["profile"]["handle"] == member.handle
    assert tasks.data_export_build_task.run(export.pk) == "already"
    assert tasks.data_export_build_task.run(export.pk + 1000) == "missing"


def test_export_request_is_limited_to_one_an_hour(member, monkeypatch) -> None:
    monkeypatch.setattr(tasks.data_export_build_task, "delay", lambda pk: None)
    now = timezone.now()
    first = data.export_request(user=member, now=now)
    data.export_build(export_id=first.pk, now=now)
    with pytest.raises(ValidationError, match="less than an hour ago"):
        data.export_request(user=member, now=now + timedelta(minutes=59))
    assert DataExport.objects.count() == 1
    assert data.export_request(user=member, now=now + timedelta(minutes=61))


def test_export_request_after_a_failure_is_allowed(member, monkeypatch) -> None:
    monkeypatch.setattr(tasks.data_export_build_task, "delay", lambda pk: None)
    first = data.export_request(user=member)
    DataExport.objects.filter(pk=first.pk).update(state=DataExport.State.FAILED)
    assert data.export_request(user=member).pk != first.pk


def _ready_export(user: User, now=None) -> DataExport:
    now = now or timezone.now()
    export = DataExport.objects.create(user=user, token=f"tok-{user.pk}-x" * 3, created_at=now)
    assert data.export_build(export_id=export.pk, now=now) == "ready"
    export.refresh_from_db()
    return export


def test_download_is_an_attachment_for_its_owner(client, member) -> None:
    export = _ready_export(member)
    client.force_login(member)
    response = client.get(f"/me/data/export/{export.token}/")
    assert response.status_code == 200
    day = export.ready_at.date().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="haven-export-quiet_harbour-{day}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["profile"]["handle"] == "quiet_harbour"
    export.refresh_from_db()
    assert export.downloaded_at is not None


def test_download_of_another_members_export_is_404(client, member, other_member) -> None:
    export = _ready_export(member)
    client.force_login(other_member)
    assert client.get(f"/me/data/export/{export.token}/").status_code == 404
    assert client.get("/me/data/export/not-a-token/").status_code == 404


def test_download_needs_sign_in(client, member) -> None:
    export = _ready_export(member)
    response = client.get(f"/me/data/export/{export.token}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_download_expires_after_24_hours(member) -> None:
    start = timezone.now() - timedelta(hours=24, minutes=1)
    export = _ready_export(member, now=start)
    assert data.export_for_download(user=member, token=export.token, now=start) is not None
    assert data.export_for_download(user=member, token=export.token) is None
    export.refresh_from_db()
    assert export.payload == "", "an expired export's content is deleted"


@pytest.mark.embedded
def test_data_page_request_builds_at_once_in_the_embedded_default(
    client, member, settings, django_capture_on_commit_callbacks
) -> None:
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("the embedded default runs tasks eagerly; this stack does not")
    client.force_login(member)
    page = client.get("/me/data/")
    assert page.status_code == 200 and "Delete my account" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/me/data/export/").status_code == 302
    export = DataExport.objects.get(user=member)
    assert export.state == DataExport.State.READY
    html = client.get("/me/data/").content.decode()
    assert "Download your data" in html and export.get_absolute_url() in html
    again = client.post("/me/data/export/", follow=True).content.decode()
    assert "less than an hour ago" in again


def test_profile_page_links_to_your_data(client, member) -> None:
    client.force_login(member)
    assert "/me/data/" in client.get("/me/profile/").content.decode()


# --- erasure ---


def _sign_in_elsewhere(user: User) -> Client:
    other = Client()
    other.force_login(user)
    return other


def _user_sessions(user: User) -> int:
    return sum(
        str(s.get_decoded().get("_auth_user_id")) == str(user.pk) for s in Session.objects.all()
    )


@pytest.mark.parametrize("posts", ["keep", "remove"])
def test_erase_removes_the_member(world, member, other_member, posts) -> None:
    email, handle = member.email, member.handle
    _sign_in_elsewhere(member)
    _sign_in_elsewhere(other_member)
    assert _user_sessions(member) == 1
    data.account_erase(user=member, posts=posts, password=PASSWORD)
    member.refresh_from_db()
    assert member.email == f"erased-{member.pk}@invalid" and member.handle.startswith("former-")
    assert not member.is_active and not member.has_usable_password()
    assert member.bio == "" and member.region == ""
    assert not Client().login(username=email, password=PASSWORD)
    assert not User.objects.filter(handle=handle).exists()
    assert not User.objects.filter(email=email).exists()
    assert _user_sessions(member) == 0 and _user_sessions(other_member) == 1
    for model, field in [
        (Notification, "recipient"),
        (NotificationPreference, "user"),
        (Reaction, "user"),
        (Membership, "user"),
        (DataExport, "user"),
    ]:
        assert not model.objects.filter(**{field: member}).exists(), model
    assert not Post.objects.filter(author=member).exists()
    assert not Thread.objects.filter(author=member).exists()
    # Others' notifications no longer name the member.
    assert not Notification.objects.filter(message__contains=handle).exists()
    entry = AuditLogEntry.objects.get(action="account.erased")
    assert entry.target_user_id == member.pk and entry.details == {"posts": posts}
    assert handle not in json.dumps(entry.details) + entry.reason
    # Other members' posts, reactions, staff records untouched.
    other_reply = Post.objects.get(pk=world["other_reply"].pk)
    assert other_reply.body == CANARIES["other_reply"] and other_reply.author == other_member
    assert Post.objects.get(pk=world["anon_reply"].pk).body == CANARIES["anon_reply"]
    assert Reaction.objects.filter(user=other_member).exists()
    assert CrisisAlert.objects.filter(pk=world["alert"].pk, subject=member).exists()
    assert WellbeingConcern.objects.filter(note=CANARIES["concern_note"]).exists()


def test_erase_keeping_posts_keeps_their_words_as_former_member(world, member, client) -> None:
    data.account_erase(user=member, posts="keep", password=PASSWORD)
    opening = Post.objects.get(pk=world["opening"].pk)
    assert opening.body == MINE["edited"] and opening.author is None and opening.deleted_at is None
    assert PostRevision.objects.filter(post=opening).exists()
    thread = Thread.objects.get(pk=world["thread"].pk)
    assert thread.title == "Sleep" and thread.author is None
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Former member" in page and MINE["reply"] in page


def test_erase_removing_posts_blanks_them_but_keeps_replies(world, member) -> None:
    thread_before = Thread.objects.get(pk=world["thread"].pk)
    data.account_erase(user=member, posts="remove", password=PASSWORD)
    mine = Post.objects.filter(pk__in=[world["opening"].pk, world["my_reply"].pk])
    for post in mine:
        assert post.body == data.REMOVED_BODY and post.deleted_at is not None
        assert "removed at the member" in post.body_html and post.author is None
    assert not PostRevision.objects.filter(post__in=mine).exists()
    thread = Thread.objects.get(pk=world["thread"].pk)
    assert thread.title == data.REMOVED_TITLE
    # Others' replies are still there, answering the same posts.
    other_reply = Post.objects.get(pk=world["other_reply"].pk)
    assert other_reply.reply_to_id == world["opening"].pk and other_reply.deleted_at is None
    assert thread.reply_count == thread_before.reply_count - 2  # my reply, the crisis post
    # The crisis alert stays for staff, without the text of the removed post.
    alert = CrisisAlert.objects.get(pk=world["alert"].pk)
    assert CRISIS_TEXT not in json.dumps(alert.findings)
    assert not Flag.objects.filter(note=MINE["flag_note"]).exists()


def test_erase_with_the_wrong_password_changes_nothing(world, member) -> None:
    before = (member.email, member.handle, Post.objects.filter(author=member).count())
    with pytest.raises(ValidationError) as info:
        data.account_erase(user=member, posts="remove", password="not-my-password")
    assert "password" in info.value.message_dict
    member.refresh_from_db()
    after = (member.email, member.handle, Post.objects.filter(author=member).count())
    assert before == after and member.is_active
    assert not AuditLogEntry.objects.filter(action="account.erased").exists()
    assert Post.objects.get(pk=world["opening"].pk).body == MINE["edited"]


def test_erase_needs_the_mfa_code_when_mfa_is_on(member) -> None:
    secret = give_totp(member)
    with pytest.raises(ValidationError) as info:
        data.account_erase(user=member, posts="keep", password=PASSWORD, mfa_code="000000")
    assert "mfa_code" in info.value.message_dict
    assert User.objects.get(pk=member.pk).is_active
    data.account_erase(user=member, posts="keep", password=PASSWORD, mfa_code=totp_code(secret))
    assert not User.objects.get(pk=member.pk).is_active


def test_erase_refuses_the_last_admin(admin_user) -> None:
    with pytest.raises(ValidationError, match="last admin"):
        data.account_erase(user=admin_user, posts="keep", password=PASSWORD)
    assert User.objects.get(pk=admin_user.pk).is_active
    UserFactory(handle="second_light", is_staff=True)
    data.account_erase(user=admin_user, posts="keep", password=PASSWORD)
    admin_user.refresh_from_db()
    assert not admin_user.is_active and not admin_user.is_staff


def test_erase_twice_changes_nothing_more(member) -> None:
    first = data.account_erase(user=member, posts="keep", password=PASSWORD)
    again = data.account_erase(user=member, posts="remove", password=PASSWORD)
    assert again.handle == first.handle
    assert AuditLogEntry.objects.filter(action="account.erased").count() == 1


def test_erase_rejects_an_unknown_choice(member) -> None:
    with pytest.raises(ValidationError):
        data.account_erase(user=member, posts="everything", password=PASSWORD)
    assert User.objects.get(pk=member.pk).is_active


@pytest.mark.embedded
def test_erase_page_signs_the_member_out(client, member) -> None:
    client.force_login(member)
    refused = client.post(
        "/me/data/delete/", {"posts": "keep", "password": "wrong-password", "confirm": "on"}
    )
    assert refused.status_code == 400 and "That password is not right" in refused.content.decode()
    unconfirmed = client.post("/me/data/delete/", {"posts": "keep", "password": PASSWORD})
    assert unconfirmed.status_code == 400 and User.objects.get(pk=member.pk).is_active
    done = client.post("/me/data/delete/", {"posts": "keep", "password": PASSWORD, "confirm": "on"})
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.is_active and member.erasure_due_at is not None  # 14 days to change it
    assert client.get("/me/data/").status_code == 302  # signed out


# --- the 14-day grace period ---


def _verified(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def test_erasure_request_waits_14_days_and_tells_the_member(
    member, django_capture_on_commit_callbacks
) -> None:
    from django.core import mail

    elsewhere = _sign_in_elsewhere(member)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        data.account_erasure_request(user=member, posts="remove", password=PASSWORD, now=now)
    member.refresh_from_db()
    assert member.erasure_due_at == now + timedelta(days=14) and member.erasure_posts == "remove"
    assert member.is_active and not data.is_erased(member)
    assert _user_sessions(member) == 0 and elsewhere.get("/me/data/").status_code == 302
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert f"{member.erasure_due_at:%-d %B %Y}" in message.subject
    assert "Sign in before then" in message.body
    assert AuditLogEntry.objects.filter(action="account.erasure_requested").exists()
    # Not yet: a day before the end nothing happens.
    assert data.account_erasures_due(now=now + timedelta(days=13)) == 0
    assert not data.is_erased(User.objects.get(pk=member.pk))
    # Then the beat task erases it, with the posts choice made at the time.
    assert data.account_erasures_due(now=now + timedelta(days=14, minutes=1)) == 1
    erased = User.objects.get(pk=member.pk)
    assert data.is_erased(erased) and erased.erasure_due_at is None
    assert data.account_erasures_due(now=now + timedelta(days=15)) == 0  # once


def test_erasure_request_checks_like_erasure(member) -> None:
    with pytest.raises(ValidationError, match="password is not right"):
        data.account_erasure_request(user=member, posts="keep", password="nope")
    member.refresh_from_db()
    assert member.erasure_due_at is None


@pytest.mark.embedded
def test_signing_in_during_the_grace_period_cancels_the_erasure(client, member) -> None:
    _verified(member)
    data.account_erasure_request(user=member, posts="keep", password=PASSWORD)
    signed_in = client.post(
        "/accounts/login/", {"login": member.email, "password": PASSWORD}, follow=True
    )
    assert "Your account will not be deleted" in signed_in.content.decode()
    member.refresh_from_db()
    assert member.erasure_due_at is None and member.erasure_posts == ""
    assert AuditLogEntry.objects.filter(action="account.erasure_cancelled").exists()
    assert data.account_erasures_due(now=timezone.now() + timedelta(days=30)) == 0
    assert not data.is_erased(User.objects.get(pk=member.pk))


def _rows_mentioning(*needles: str) -> list[str]:
    """Every (model, field) in the database whose text holds one of ``needles``."""
    from django.apps import apps
    from django.db import models

    text_fields = (models.CharField, models.TextField, models.JSONField, models.EmailField)
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, text_fields):
                continue
            for needle in needles:
                lookup = f"{field.attname}__icontains"
                if isinstance(field, models.JSONField):
                    values = model._default_manager.values_list(field.attname, flat=True)
                    if any(needle.lower() in json.dumps(v).lower() for v in values):
                        found.append(f"{model._meta.label}.{field.name}")
                elif model._default_manager.filter(**{lookup: needle}).exists():
                    found.append(f"{model._meta.label}.{field.name}")
    return found


@pytest.mark.parametrize("posts", ["keep", "remove"])
def test_erase_leaves_the_handle_and_email_in_no_table(world, member, posts) -> None:
    email, handle = member.email, member.handle
    assert _rows_mentioning(email, handle), "the search must see them before"
    data.account_erase(user=member, posts=posts, password=PASSWORD)
    assert _rows_mentioning(email, handle) == []
    words = [MINE[k] for k in ("opening", "edited", "reply", "flag_note", "entry")]
    if posts == "remove":
        assert _rows_mentioning(*words) == []
    else:
        assert _rows_mentioning(*words) != []


def test_erase_deletes_blocks_both_ways_and_the_members_filters(member, other_member) -> None:
    from accounts.models import Block
    from accounts.services import content_filters_update, member_block

    mute = "driftwood-lantern"
    content_filters_update(user=member, topics=["abuse"], mute_words=mute)
    member_block(user=member, target=other_member)
    member_block(user=other_member, target=member)
    assert _rows_mentioning(mute)
    data.account_erase(user=member, posts="keep", password=PASSWORD)
    assert not Block.objects.filter(Q(blocker=member) | Q(blocked=member)).exists()
    member.refresh_from_db()
    assert member.collapse_topics is None and member.mute_words == ""
    assert _rows_mentioning(mute) == []


def test_erasure_closes_the_members_open_websockets(
    member, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from accounts import realtime

    sent = []
    monkeypatch.setattr(realtime, "_send", lambda channel, message: sent.append((channel, message)))
    with django_capture_on_commit_callbacks(execute=True):
        data.account_erasure_request(user=member, posts="keep", password=PASSWORD)
    assert (realtime.member_channel(member.pk), {"type": realtime.MEMBER_CLOSE}) in sent


def test_expired_exports_are_cleared_by_the_hourly_sweep(member, other_member) -> None:
    from accounts.tasks import data_exports_purge_task

    old = _ready_export(member, now=timezone.now() - timedelta(hours=25))
    fresh = _ready_export(other_member)
    assert data_exports_purge_task.apply().get() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.payload == "" and fresh.payload != ""
    assert data.data_exports_purge() == 0  # a second run has nothing to do
    from django.conf import settings

    assert "accounts.data_exports_purge" in settings.CELERY_BEAT_SCHEDULE
