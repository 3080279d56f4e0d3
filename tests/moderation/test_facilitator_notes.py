"""Facilitator notes: the service, the note under the post as readers see it, and the
page facilitators add it from."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Notification
from groups import services as group_services
from groups.models import Membership, Post
from moderation.models import AuditLogEntry, FacilitatorNote, Resource
from moderation.services import facilitator_notes as services
from tests.factories import GroupFactory, MembershipFactory, make_thread, signed_in_with_mfa

pytestmark = pytest.mark.django_db

NOTE = "Stopping medication suddenly can be risky. **Talk to your prescriber** first."


@pytest.fixture
def post(group, member):
    return make_thread(author=member, group=group, body="I just stopped my meds, easy!").posts.get()


@pytest.fixture
def vetted(facilitator):
    return Resource.objects.create(
        title="Coming off medication safely",
        url="https://example.org/coming-off",
        kind=Resource.Kind.ARTICLE,
        description="A pharmacist's guide.",
        state=Resource.State.VETTED,
        vetted_by=facilitator,
    )


@pytest.fixture
def other_facilitator(db):
    elsewhere = GroupFactory(name="Grief", slug="grief")
    return MembershipFactory(group=elsewhere, role=Membership.Role.FACILITATOR).user


# --- add ---


def test_note_add_renders_audits_notifies_and_leaves_the_post_up(
    post, facilitator, member, group, vetted
) -> None:
    note = services.facilitator_note_add(actor=facilitator, post=post, body=NOTE, resource=vetted)
    assert note.post == post and note.author == facilitator and note.resource == vetted
    assert "<strong>Talk to your prescriber</strong>" in note.body_html
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED and post.body == "I just stopped my meds, easy!"
    entry = AuditLogEntry.objects.get(action="facilitator_note.add")
    assert (entry.actor, entry.group, entry.post, entry.target_user) == (
        facilitator,
        group,
        post,
        member,
    )
    assert entry.reason == NOTE and entry.details["resource_id"] == vetted.pk
    [notice] = Notification.objects.filter(recipient=member)
    assert notice.kind == Notification.Kind.FACILITATOR_NOTE
    assert notice.url == post.get_absolute_url()


def test_note_body_is_sanitised_markdown(post, facilitator) -> None:
    note = services.facilitator_note_add(
        actor=facilitator, post=post, body="<script>alert(1)</script> see [this](javascript:x)"
    )
    assert "<script" not in note.body_html and "&lt;script&gt;" in note.body_html
    assert 'href="javascript' not in note.body_html


@pytest.mark.parametrize("body", ["", "   ", "x" * 4001])
def test_note_needs_a_body_of_sensible_length(post, facilitator, body) -> None:
    with pytest.raises(ValidationError) as exc:
        services.facilitator_note_add(actor=facilitator, post=post, body=body)
    assert "body" in exc.value.message_dict
    assert not FacilitatorNote.objects.exists()


@pytest.mark.parametrize("state", [Resource.State.SUGGESTED, Resource.State.REJECTED])
def test_note_links_only_vetted_resources(post, facilitator, vetted, state) -> None:
    Resource.objects.filter(pk=vetted.pk).update(state=state)
    vetted.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.facilitator_note_add(actor=facilitator, post=post, body=NOTE, resource=vetted)
    assert "resource" in exc.value.message_dict
    assert not FacilitatorNote.objects.exists()


def test_note_add_refused_for_members_and_other_groups_facilitators(
    post, member, other_member, other_facilitator
) -> None:
    for actor in (member, other_member, other_facilitator):
        with pytest.raises(PermissionDenied):
            services.facilitator_note_add(actor=actor, post=post, body=NOTE)
    assert not FacilitatorNote.objects.exists()
    assert not AuditLogEntry.objects.exists()
    assert not Notification.objects.filter(kind=Notification.Kind.FACILITATOR_NOTE).exists()


def test_note_add_in_a_private_group_is_hidden_from_outside_facilitators(
    private_group, other_facilitator
) -> None:
    author = MembershipFactory(group=private_group).user
    post = make_thread(author=author, group=private_group).posts.get()
    with pytest.raises(Http404):
        services.facilitator_note_add(actor=other_facilitator, post=post, body=NOTE)


def test_admin_may_add_a_note_anywhere(post, admin_user) -> None:
    assert services.facilitator_note_add(actor=admin_user, post=post, body=NOTE).pk


def test_note_add_refused_on_removed_and_deleted_posts(post, facilitator, member) -> None:
    Post.objects.filter(pk=post.pk).update(state=Post.State.REMOVED)
    with pytest.raises(PermissionDenied):
        services.facilitator_note_add(actor=facilitator, post=post, body=NOTE)
    Post.objects.filter(pk=post.pk).update(state=Post.State.PUBLISHED)
    group_services.post_delete(actor=member, post=post)
    with pytest.raises(PermissionDenied):
        services.facilitator_note_add(actor=facilitator, post=post, body=NOTE)
    assert not FacilitatorNote.objects.exists()


def test_facilitator_noting_their_own_post_is_not_notified(group, facilitator) -> None:
    own = make_thread(author=facilitator, group=group).posts.get()
    services.facilitator_note_add(actor=facilitator, post=own, body=NOTE)
    assert not Notification.objects.filter(recipient=facilitator).exists()


# --- delete ---


def test_note_delete_removes_it_and_keeps_the_text_in_the_audit_log(
    post, facilitator, group
) -> None:
    note = services.facilitator_note_add(actor=facilitator, post=post, body=NOTE)
    colleague = MembershipFactory(group=group, role=Membership.Role.FACILITATOR).user
    services.facilitator_note_delete(actor=colleague, note=note)
    assert not FacilitatorNote.objects.exists()
    entry = AuditLogEntry.objects.get(action="facilitator_note.delete")
    assert entry.actor == colleague and entry.post == post and entry.reason == NOTE
    assert entry.details["note_author_id"] == facilitator.pk


def test_note_delete_refused_for_members_and_other_groups_facilitators(
    post, facilitator, member, other_facilitator
) -> None:
    note = services.facilitator_note_add(actor=facilitator, post=post, body=NOTE)
    for actor in (member, other_facilitator):
        with pytest.raises(PermissionDenied):
            services.facilitator_note_delete(actor=actor, note=note)
    assert FacilitatorNote.objects.filter(pk=note.pk).exists()
    assert not AuditLogEntry.objects.filter(action="facilitator_note.delete").exists()


# --- under the post on the thread page ---


def test_note_shows_under_the_post_for_every_reader(
    client, post, facilitator, other_member, vetted
) -> None:
    services.facilitator_note_add(actor=facilitator, post=post, body=NOTE, resource=vetted)
    for viewer in (None, other_member):
        if viewer:
            client.force_login(viewer)
        html = client.get(post.thread.get_absolute_url()).content.decode()
        assert "I just stopped my meds, easy!" in html  # the post is not silenced
        assert "Note from a facilitator" in html
        assert "<strong>Talk to your prescriber</strong>" in html
        assert "harbourlight" in html and "Facilitator · Licensed social worker" in html
        assert 'href="https://example.org/coming-off"' in html
        assert html.index("I just stopped my meds") < html.index("Note from a facilitator")


def test_note_is_not_shown_to_outsiders_of_a_private_group(
    client, private_group, facilitator, outsider
) -> None:
    MembershipFactory(group=private_group, user=facilitator, role=Membership.Role.FACILITATOR)
    author = MembershipFactory(group=private_group).user
    post = make_thread(author=author, group=private_group).posts.get()
    services.facilitator_note_add(actor=facilitator, post=post, body=NOTE)
    client.force_login(author)
    assert "Talk to your prescriber" in client.get(post.thread.get_absolute_url()).content.decode()
    client.force_login(outsider)
    response = client.get(post.thread.get_absolute_url())
    assert response.status_code == 404
    assert "Talk to your prescriber" not in response.content.decode()


def test_note_goes_with_its_post_when_the_post_is_taken_down(
    client, post, facilitator, other_member
) -> None:
    services.facilitator_note_add(actor=facilitator, post=post, body=NOTE)
    Post.objects.filter(pk=post.pk).update(state=Post.State.REMOVED)
    client.force_login(other_member)
    html = client.get(post.thread.get_absolute_url()).content.decode()
    assert "removed by a facilitator" in html
    assert "Talk to your prescriber" not in html and "Note from a facilitator" not in html


def test_resource_no_longer_vetted_is_not_linked(client, post, facilitator, vetted) -> None:
    services.facilitator_note_add(actor=facilitator, post=post, body=NOTE, resource=vetted)
    Resource.objects.filter(pk=vetted.pk).update(state=Resource.State.REJECTED)
    html = client.get(post.thread.get_absolute_url()).content.decode()
    assert "Talk to your prescriber" in html
    assert "example.org/coming-off" not in html


def _page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_thread_page_query_count_does_not_grow_with_notes(
    client, group, post, facilitator, other_member, vetted
) -> None:
    thread = post.thread
    replies = [
        group_services.post_create(author=other_member, thread=thread, body=f"reply {i}")
        for i in range(12)
    ]
    client.force_login(other_member)
    services.facilitator_note_add(actor=facilitator, post=post, body=NOTE)
    client.get(thread.get_absolute_url())  # read once: no measured visit moves the marker
    # A note changes the page: its first view reads the posts again (where pages are kept,
    # groups/selectors/snapshots.py), the next is kept. Each is measured with few and
    # with many notes.
    services.facilitator_note_add(actor=facilitator, post=post, body="A second note")
    few_first = _page_queries(client, thread.get_absolute_url())
    few = _page_queries(client, thread.get_absolute_url())
    for reply in replies:
        services.facilitator_note_add(
            actor=facilitator, post=reply, body="Context", resource=vetted
        )
        services.facilitator_note_add(actor=facilitator, post=reply, body="More context")
    many_first = _page_queries(client, thread.get_absolute_url())
    many = _page_queries(client, thread.get_absolute_url())
    assert few_first == many_first
    assert few == many
    assert many > 0


# --- pages ---


def test_add_note_link_only_for_the_groups_facilitators(
    client, post, facilitator, other_member, other_facilitator
) -> None:
    url = reverse("moderation:facilitator_note_add", args=[post.pk])
    for viewer in (other_member, other_facilitator):
        client.force_login(viewer)
        assert url not in client.get(post.thread.get_absolute_url()).content.decode()
    client.force_login(facilitator)
    html = client.get(post.thread.get_absolute_url()).content.decode()
    assert f'href="{url}"' in html and "Add a facilitator note" in html


def test_facilitator_adds_a_note_from_the_page(mod_client, post, vetted) -> None:
    Resource.objects.create(
        title="Unvetted miracle cure", url="https://example.org/x", kind=Resource.Kind.ARTICLE
    )
    url = reverse("moderation:facilitator_note_add", args=[post.pk])
    page = mod_client.get(url).content.decode()
    assert "I just stopped my meds, easy!" in page
    assert "Coming off medication safely" in page and "Unvetted miracle cure" not in page
    response = mod_client.post(url, {"body": NOTE, "resource": vetted.pk}, follow=True)
    assert "Your note is shown under the post." in response.content.decode()
    note = FacilitatorNote.objects.get()
    assert note.resource == vetted and note.body == NOTE
    assert "Note from a facilitator" in response.content.decode()


def test_note_page_explains_an_empty_note(mod_client, post) -> None:
    response = mod_client.post(
        reverse("moderation:facilitator_note_add", args=[post.pk]), {"body": ""}
    )
    assert response.status_code == 200
    assert "Please write the note." in response.content.decode()
    assert not FacilitatorNote.objects.exists()


def test_note_page_deletes_a_note(mod_client, post, facilitator) -> None:
    note = services.facilitator_note_add(actor=facilitator, post=post, body=NOTE)
    page = mod_client.get(reverse("moderation:facilitator_note_add", args=[post.pk]))
    delete_url = reverse("moderation:facilitator_note_delete", args=[note.pk])
    assert f'action="{delete_url}"' in page.content.decode()
    assert mod_client.get(delete_url).status_code == 405
    response = mod_client.post(delete_url)
    assert response.status_code == 302
    assert not FacilitatorNote.objects.exists()


def test_note_pages_access_by_role(client, post, facilitator, member, other_facilitator) -> None:
    note = services.facilitator_note_add(actor=facilitator, post=post, body=NOTE)
    add_url = reverse("moderation:facilitator_note_add", args=[post.pk])
    delete_url = reverse("moderation:facilitator_note_delete", args=[note.pk])
    assert client.get(add_url).status_code == 302  # to sign in
    client.force_login(member)
    assert client.get(add_url).status_code == 403
    assert client.post(delete_url).status_code == 403
    signed_in_with_mfa(client, other_facilitator)
    assert client.get(add_url).status_code == 404
    assert client.post(add_url, {"body": "mine"}).status_code == 404
    assert client.post(delete_url).status_code == 404
    assert list(FacilitatorNote.objects.all()) == [note]
    client.force_login(facilitator)  # without TOTP
    response = client.get(add_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
