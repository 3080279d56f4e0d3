"""Threads and posts: starting, reading, replying, editing, deleting, reacting,
approving, following, and one post for the live page."""

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from moderation.models import CrisisAlert
from moderation.selectors.crisis_lines import lines_for
from moderation.selectors.resources import pinned_resources
from supportforum import ratelimits
from supportforum.views import attempt

from .. import policies, selectors, services
from ..forms import (
    EditForm,
    ReactionForm,
    ReplyForm,
    ReplyTargetForm,
    SubscriptionForm,
    ThreadForm,
)
from ..models import Post, Thread

# Set after a member posts crisis language; their next view of that thread (and only
# theirs: it lives in their session) shows the crisis panel once.


CRISIS_PANEL = "haven_crisis_panel"
# The same form arrived again (a retry after a dropped connection, a second click).
ALREADY_SAVED = "This was already saved, so it appears once."


def _offer_crisis_support(request: HttpRequest, posted: Post | Thread) -> None:
    """If what the member just posted reads as crisis language (the posting service
    leaves its assessment on the post or thread), remember to show them the crisis lines
    on the page they land on."""
    assessment = getattr(posted, "crisis_assessment", None)
    if assessment is not None and int(assessment.severity) >= CrisisAlert.Severity.MODERATE:
        thread_id = posted.pk if isinstance(posted, Thread) else posted.thread_id
        request.session[CRISIS_PANEL] = thread_id


@login_required
def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_by_slug(slug)
    policies.check_read_group(request.user, group)
    form = ThreadForm(request.POST or None, allow_anonymous=group.allow_anonymous)
    limited = ratelimits.check(request, "thread")  # refused: the form again, text kept
    if request.method == "POST" and limited is None and form.is_valid():
        thread = attempt(
            form,
            lambda: services.thread_create(author=request.user, group=group, **form.cleaned_data),
        )
        if thread is not None and getattr(thread, "resubmitted", False):
            messages.info(request, ALREADY_SAVED)
            return redirect(thread)
        if thread is not None:
            _offer_crisis_support(request, thread)
            if not thread.is_published:
                messages.info(
                    request, "Thank you. Your post will appear once a facilitator has read it."
                )
            return redirect(thread)
    refusal = policies.posting_refusal(request.user, group)
    context = {"group": group, "form": form, "refusal": refusal, "rate_limit": limited}
    response = render(request, "groups/thread_form.html", context)
    return ratelimits.refuse(response, limited) if limited else response


def thread_detail(request: HttpRequest, thread_id: int, slug: str = "") -> HttpResponse:
    thread = selectors.thread_for(request.user, thread_id, reader_state=True)
    view = selectors.thread_page(request.user, thread, page=request.GET.get("page"))
    context = {
        "view": view,
        "pinned_resources": pinned_resources(thread=thread),
        "subscription": selectors.subscription_state(request.user, thread),
        "opened_at": time.time(),
    }
    if request.session.get(CRISIS_PANEL) == thread.pk:
        request.session.pop(CRISIS_PANEL)
        context["crisis"] = lines_for(request.user)
        member = policies.is_member(request.user, thread.group)
        context["crisis_group"] = thread.group if member else None
    response = render(request, "groups/thread_detail.html", context)
    newest = max((p.post.pk for p in view.posts), default=0)
    if newest > view.last_read_post_id:  # re-reading what was read writes nothing
        services.thread_mark_read(user=request.user, thread=thread, up_to_post_id=newest)
    response.haven_noindex = thread.group.is_private or (
        thread.group.visibility == thread.group.Visibility.UNLISTED
    )
    return response


@login_required
def post_reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = selectors.thread_for(request.user, thread_id)
    target = ReplyTargetForm(request.GET)
    to = target.cleaned_data["to"] if target.is_valid() else None
    reply_to = selectors.post_for(request.user, to) if to else None
    form = ReplyForm(
        request.POST or None,
        allow_anonymous=thread.group.allow_anonymous,
        initial={"reply_to": reply_to.pk if reply_to else None},
    )
    limited = ratelimits.check(request, "reply")  # refused: the form again, text kept
    if request.method == "POST" and limited is None and form.is_valid():
        data = dict(form.cleaned_data)
        target_id = data.pop("reply_to")
        target = selectors.post_for(request.user, target_id) if target_id else None
        post = attempt(
            form,
            lambda: services.post_create(
                author=request.user, thread=thread, reply_to=target, **data
            ),
        )
        if post is not None and getattr(post, "resubmitted", False):
            messages.info(request, ALREADY_SAVED)
            return redirect(post)
        if post is not None:
            _offer_crisis_support(request, post)
            if post.state == Post.State.PENDING:
                messages.info(
                    request, "Thank you. Your reply will appear once a facilitator has read it."
                )
            return redirect(post)
        reply_to = target
    refusal = policies.reply_refusal(request.user, thread)
    context = {
        "thread": thread,
        "form": form,
        "reply_to": reply_to,
        "refusal": refusal,
        "rate_limit": limited,
    }
    response = render(request, "groups/reply_form.html", context)
    return ratelimits.refuse(response, limited) if limited else response


def post_permalink(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_for(request.user, post_id)
    page = selectors.post_page_number(request.user, post)
    suffix = f"?page={page}" if page > 1 else ""
    return redirect(f"{post.thread.get_absolute_url()}{suffix}#post-{post.pk}")


@login_required
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_for(request.user, post_id)
    policies.check_edit_post(request.user, post)
    initial = {
        "body": post.body,
        "content_warning": post.content_warning,
        "content_topics": post.content_topics,
    }
    form = EditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        edited = attempt(
            form, lambda: services.post_edit(editor=request.user, post=post, **form.cleaned_data)
        )
        if edited is not None:
            _offer_crisis_support(request, edited)
        if edited is not None and edited.state == Post.State.PENDING:
            messages.info(
                request,
                "Your changes are saved. A facilitator will look at the post before it "
                "shows again; you can still see it.",
            )
            return redirect(post)
        if edited is not None:
            messages.success(request, "Your changes are saved.")
            return redirect(post)
    return render(request, "groups/post_edit.html", {"post": post, "form": form})


@login_required
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_for(request.user, post_id)
    policies.check_delete_post(request.user, post)
    if request.method == "POST":
        services.post_delete(actor=request.user, post=post)
        messages.info(request, "Your post was deleted.")
        return redirect(post)
    return render(request, "groups/post_delete.html", {"post": post})


def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_for(request.user, post_id)
    revisions = selectors.post_revisions(request.user, post)
    return render(request, "groups/post_history.html", {"post": post, "revisions": revisions})


@login_required
@require_POST
@ratelimits.rate_limited("react")
def post_react(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_for(request.user, post_id)
    form = ReactionForm(request.POST)
    if (
        form.is_valid()
        and attempt(
            form,
            lambda: services.reaction_toggle(
                user=request.user, post=post, kind=form.cleaned_data["kind"]
            ),
        )
        is None
        and form.errors
    ):
        messages.error(request, " ".join(form.non_field_errors()) or "That didn't work.")
    return redirect(post)


@login_required
@require_POST
def post_approve(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_for(request.user, post_id)
    services.post_approve(actor=request.user, post=post)
    messages.success(request, "Post approved and published.")
    return redirect(post)


@login_required
@require_POST
def thread_subscription(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Follow, mute or reset a thread. With htmx, answers with the buttons alone."""
    thread = selectors.thread_for(request.user, thread_id)
    form = SubscriptionForm(request.POST)
    state = selectors.subscription_state(request.user, thread)
    if form.is_valid():
        changed = attempt(
            form,
            lambda: services.thread_subscription_set(
                user=request.user, thread=thread, state=form.cleaned_data["state"]
            ),
        )
        state = changed if changed is not None else state
    if form.errors:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    if request.htmx:
        context = {"thread": thread, "subscription": state, "error": form.errors}
        return render(request, "groups/_subscription.html", context, status=200)
    return redirect(thread)


def post_live(request: HttpRequest, post_id: int) -> HttpResponse:
    """One post as this viewer may see it, for the live thread (404 for anyone else)."""
    live = selectors.post_live(request.user, post_id)
    context = {"pv": live.post, "view": live}
    response = render(request, "groups/_post_live.html", context)
    response.haven_noindex = True
    return response
