"""Facilitator notes: a visible, vetted correction or context under a post. The answer to
misinformation that does not silence the member: the post stays as it is."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Notification, User
from accounts.services import notification_send
from groups import policies as group_policies
from groups.models import Post
from groups.rendering import render_markdown

from ..models import FacilitatorNote, Resource
from .audit import audit_post_action

MAX_NOTE = 4000


@transaction.atomic
def facilitator_note_add(
    *,
    actor: User,
    post: Post,
    body: str,
    resource: Resource | None = None,
    about_misinformation: bool = True,
) -> FacilitatorNote:
    """Add a note under ``post`` (facilitators of its group, or admins). The body is
    Markdown, rendered by ``groups.rendering``; the optional resource must be vetted. The
    post itself is not changed or hidden. Audited; the post's author is notified (unless
    they wrote the note). Refused on posts that are removed or deleted."""
    post = (
        Post.objects.select_for_update(of=("self",)).select_related("thread__group").get(pk=post.pk)
    )
    group = post.thread.group
    group_policies.check_moderate_group(actor, group)
    if post.is_deleted or post.state == Post.State.REMOVED:
        raise PermissionDenied("This post has been taken down, so a note would not be seen.")
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": "Please write the note."})
    if len(body) > MAX_NOTE:
        raise ValidationError({"body": f"A note can be at most {MAX_NOTE} characters."})
    if resource is not None and not Resource.objects.vetted().filter(pk=resource.pk).exists():
        raise ValidationError({"resource": "Only a vetted resource can be linked from a note."})
    note = FacilitatorNote(
        post=post,
        author=actor,
        body=body,
        body_html=render_markdown(body),
        resource=resource,
        about_misinformation=about_misinformation,
    )
    note.full_clean()
    note.save()
    audit_post_action(
        actor=actor,
        action="facilitator_note.add",
        post=post,
        reason=body,
        details={"note_id": note.pk, "resource_id": resource.pk if resource else None},
    )
    if post.author_id is not None and post.author_id != actor.pk:
        notification_send(
            recipient=post.author,
            kind=Notification.Kind.FACILITATOR_NOTE,
            message=f"A facilitator added a note under your post in “{post.thread.title}”. "
            "Your post is still there; the note adds context for readers.",
            url=post.get_absolute_url(),
        )
    return note


@transaction.atomic
def facilitator_note_delete(*, actor: User, note: FacilitatorNote) -> None:
    """Remove a note (any facilitator of the post's group, or an admin). The audit entry
    keeps the note's text, since the row is gone."""
    note = (
        FacilitatorNote.objects.select_for_update(of=("self",))
        .select_related("post__thread__group")
        .get(pk=note.pk)
    )
    post = note.post
    group_policies.check_moderate_group(actor, post.thread.group)
    audit_post_action(
        actor=actor,
        action="facilitator_note.delete",
        post=post,
        reason=note.body,
        details={
            "note_id": note.pk,
            "note_author_id": note.author_id,
            "resource_id": note.resource_id,
        },
    )
    note.delete()
