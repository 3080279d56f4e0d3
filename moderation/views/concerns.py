""" "I'm worried about this member": a page of its own without JavaScript; with htmx, a
form that opens under the post and answers in place (as the flag dialog does)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from accounts.models import User
from groups import selectors as group_selectors
from groups.models import Post
from supportforum import ratelimits
from supportforum.views import attempt

from ..forms.concerns import ConcernForm
from ..services import concerns as services

THANKS = "haven_concern_thanks"
SENT = (
    "Thank you for looking out for them. A facilitator will check in with them privately. "
    "They won't know it was you."
)


def _about_yourself(request: HttpRequest) -> HttpResponse:
    messages.info(
        request,
        "That's you. If things are hard right now, you can reach someone now, or ask a "
        "facilitator to contact you.",
    )
    return redirect("moderation:help")


@login_required
@sensitive_post_parameters("note")
def concern_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = group_selectors.post_for(request.user, post_id)
    if post.author_id == request.user.pk:
        return _about_yourself(request)
    return _concern(request, subject=post.author, post=post)


@login_required
@sensitive_post_parameters("note")
def concern_member(request: HttpRequest, handle: str) -> HttpResponse:
    subject = get_object_or_404(User, handle__iexact=handle, is_active=True)
    if subject.pk == request.user.pk:
        return _about_yourself(request)
    return _concern(request, subject=subject, post=None)


def _concern(request: HttpRequest, *, subject: User | None, post: Post | None) -> HttpResponse:
    groups = services.shared_groups(request.user, subject) if subject and not post else []
    form = ConcernForm(request.POST or None, groups=groups)
    refusal = (
        services.concern_refusal(request.user, subject, post=post)
        if subject is not None
        else "This member's account is closed."
    )
    thanks = request.session.pop(THANKS, "") if request.method == "GET" else ""
    # Refused for rate: the form again, the note kept.
    limited = ratelimits.check(request, "concern") if refusal is None else None
    if request.method == "POST" and refusal is None and limited is None and form.is_valid():
        thanks = attempt(form, lambda: _raise(request.user, subject, post, form.cleaned_data))
        if thanks and not request.htmx:
            request.session[THANKS] = thanks
            return redirect(request.path)
    context = {
        "post": post,
        "subject": subject if post is None else None,  # a post's author may be anonymous
        "form": form,
        "thanks": thanks,
        "refusal": None if thanks else refusal,
        "action": request.path,
        "rate_limit": limited,
    }
    template = "moderation/_concern_form.html" if request.htmx else "moderation/concern_form.html"
    response = render(request, template, context)
    return ratelimits.refuse(response, limited) if limited else response


def _raise(sender: User, subject: User, post: Post | None, data: dict) -> str:
    try:
        services.concern_raise(
            sender=sender, subject=subject, post=post, group=data.get("group"), note=data["note"]
        )
    except services.ConcernAlreadyKnown as exc:
        return str(exc)
    return SENT
