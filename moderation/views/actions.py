from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from supportforum.views import attempt

from ..decorators import moderator_required
from ..forms.actions import (
    ApproveForm,
    ContentWarningForm,
    HideForm,
    RedactForm,
    RemoveForm,
    RevokeForm,
    SanctionForm,
    SpamForm,
    initial_for_step,
)
from ..models import Sanction
from ..selectors import queue as queue_selectors
from ..selectors import sanctions as selectors
from ..selectors.guidelines import citable_rules
from ..selectors.members import member_history
from ..services import posts as post_services
from ..services import sanctions as services
from ..services.notes import staff_notes_read


def _post_forms(request: HttpRequest, post, rules, action: str) -> dict[str, Form]:
    data = request.POST if request.method == "POST" else None

    def bound(name: str) -> dict:
        # One page shows every form: each gets its own element ids ("reason" is in three),
        # so every label names its own field.
        return {"data": data if action == name else None, "auto_id": f"id_{name}_%s"}

    return {
        "approve": ApproveForm(**bound("approve")),
        "hide": HideForm(**bound("hide")),
        "remove": RemoveForm(**bound("remove"), rules=rules),
        "content_warning": ContentWarningForm(
            **bound("content_warning"),
            initial={
                "content_warning": post.content_warning,
                "content_topics": post.content_topics,
            },
        ),
        "redact": RedactForm(**bound("redact")),
    }


POST_ACTIONS: dict[str, tuple[Callable, str]] = {
    "approve": (
        lambda user, post, data: post_services.post_review_approve(
            actor=user, post=post, unhelpful=data["unhelpful"]
        ),
        "Approved: the post is visible and its flags are settled.",
    ),
    "hide": (
        lambda user, post, data: post_services.post_hide(actor=user, post=post, **data),
        "Hidden while it is reviewed.",
    ),
    "remove": (
        lambda user, post, data: post_services.post_remove(actor=user, post=post, **data),
        "Removed. The author has been told which rule, and your message.",
    ),
    "content_warning": (
        lambda user, post, data: post_services.content_warning_set(actor=user, post=post, **data),
        "Content warning saved.",
    ),
    "redact": (
        lambda user, post, data: post_services.post_redact(actor=user, post=post, **data),
        "Removed from the post. The original is in the edit history, for facilitators only.",
    ),
}


@moderator_required
def post_moderate(request: HttpRequest, post_id: int) -> HttpResponse:
    """The post in its thread, its flags and its author's history, with every action."""
    context = queue_selectors.post_context_for(request.user, post_id)
    rules = citable_rules(context.post.thread.group)
    action = request.POST.get("action", "")
    forms = _post_forms(request, context.post, rules, action)
    if request.method == "POST" and action in POST_ACTIONS:
        form = forms[action]
        service, done = POST_ACTIONS[action]
        if form.is_valid() and attempt(
            form, lambda: service(request.user, context.post, form.cleaned_data)
        ):
            messages.success(request, done)
            if action in ("approve", "remove"):
                return redirect("moderation:review_queue")
            return redirect("moderation:post_moderate", post_id=post_id)
    author = context.post.author
    page = {"ctx": context, "forms": forms}
    if author is not None and author.pk != request.user.pk:
        page.update(
            suggested=services.suggest_step(author),
            is_new_account=services.is_new_account(author),
            history=member_history(request.user, author),
            # Reading staff notes is logged, which is why it is a service, not a selector.
            staff_notes=staff_notes_read(reader=request.user, member=author),
        )
    return render(request, "moderation/post_moderate.html", page)


@moderator_required
def sanction_create(request: HttpRequest, handle: str) -> HttpResponse:
    member, group = selectors.sanction_target(request.user, handle, request.GET.get("group", ""))
    post_id = request.GET.get("post", "")
    post = selectors.post_in_group(post_id, group)
    step_index = services.ladder_position(member)
    initial = initial_for_step(min(step_index, len(services.LADDER) - 1))
    rules = citable_rules(group)
    form = SanctionForm(request.POST or None, rules=rules, initial=initial)
    if request.method == "POST" and form.is_valid():
        sanction = attempt(
            form,
            lambda: services.sanction_apply(
                actor=request.user, member=member, group=group, post=post, **form.cleaned_data
            ),
        )
        if sanction is not None:
            messages.success(
                request, f"{sanction.get_kind_display()} recorded; {member.handle} is notified."
            )
            return redirect("moderation:review_queue")
    context = {
        "member": member,
        "group": group,
        "post": post,
        "form": form,
        "suggested": services.suggest_step(member),
        "history": selectors.sanctions_of(member),
        "ladder": services.LADDER,
    }
    return render(request, "moderation/sanction_form.html", context)


@moderator_required
def sanction_revoke(request: HttpRequest, sanction_id: int) -> HttpResponse:
    sanction = selectors.sanction_for(request.user, sanction_id)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            lambda: services.sanction_revoke(
                actor=request.user, sanction=sanction, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, "Lifted. The member is notified.")
            return redirect("moderation:review_queue")
    return render(request, "moderation/sanction_revoke.html", {"sanction": sanction, "form": form})


@moderator_required
def spam_purge(request: HttpRequest, handle: str) -> HttpResponse:
    member, group = selectors.sanction_target(request.user, handle, request.GET.get("group", ""))
    if group is None:
        raise Http404("Spam removal starts from a group.")
    form = SpamForm(request.POST or None, rules=citable_rules(group))
    if request.method == "POST" and form.is_valid():
        removed = attempt(
            form,
            lambda: services.spam_purge(
                actor=request.user, member=member, group=group, rule=form.cleaned_data["rule"]
            ),
        )
        if removed is not None:
            messages.success(request, f"Removed {removed} posts and banned {member.handle}.")
            return redirect("moderation:review_queue")
    context = {"member": member, "group": group, "form": form}
    return render(request, "moderation/spam_purge.html", context)


# --- the member's own view ---


@login_required
def account_standing(request: HttpRequest) -> HttpResponse:
    """Warnings to acknowledge and sanctions in force or past: why, and until when."""
    return render(
        request,
        "moderation/account_standing.html",
        {"sanctions": selectors.sanctions_of(request.user, own=True)},
    )


@login_required
@require_POST
def warning_acknowledge(request: HttpRequest, sanction_id: int) -> HttpResponse:
    sanction = get_object_or_404(
        Sanction, pk=sanction_id, user=request.user, kind=Sanction.Kind.WARNING
    )
    services.warning_acknowledge(user=request.user, sanction=sanction)
    messages.success(request, "Thank you for reading it. You can post again.")
    return redirect("moderation:account_standing")
