from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from groups import selectors as group_selectors
from groups.models import Thread
from supportforum.views import attempt

from .. import policies
from ..decorators import moderator_required
from ..forms.threads import FacilitatorNoteForm, MoveForm, ReasonForm
from ..models import FacilitatorNote
from ..services import facilitator_notes as note_services
from ..services import threads as thread_services

# action -> (service, reason required, reason label, message on success)
REASON_ACTIONS: dict[str, tuple[Callable[..., Thread], bool, str, str]] = {
    "lock": (thread_services.thread_lock, True, "Why lock it?", "The thread is locked."),
    "unlock": (
        thread_services.thread_unlock,
        False,
        "Why unlock it? (optional)",
        "The thread is open for replies again.",
    ),
    "pin": (thread_services.thread_pin, True, "Why pin it?", "The thread is pinned."),
    "unpin": (
        thread_services.thread_unpin,
        False,
        "Why unpin it? (optional)",
        "The thread is no longer pinned.",
    ),
}


def _tool_forms(request: HttpRequest, thread: Thread, posted: str | None) -> dict:
    """One form per action; only the one that was submitted is bound."""
    forms: dict = {}
    for action, (_, required, label, _) in REASON_ACTIONS.items():
        data = request.POST if posted == action else None
        forms[action] = ReasonForm(data, prefix=action, required=required, label=label)
    data = request.POST if posted == "move" else None
    forms["move"] = MoveForm(data, prefix="move", actor=request.user, thread=thread)
    return forms


@moderator_required
def thread_tools(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = group_selectors.thread_for(request.user, thread_id)
    policies.check_moderate_in(request.user, thread.group_id)
    posted = request.POST.get("action") if request.method == "POST" else None
    forms = _tool_forms(request, thread, posted)
    form = forms.get(posted)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        if posted == "move":
            done = attempt(
                form,
                lambda: thread_services.thread_move(actor=request.user, thread=thread, **data),
            )
            success = f"The thread is now in {data['to_group'].name}."
        else:
            service, _, _, success = REASON_ACTIONS[posted]
            done = attempt(form, lambda: service(actor=request.user, thread=thread, **data))
        if done is not None:
            messages.success(request, success)
            return redirect("moderation:thread_tools", thread_id=thread.pk)
    elif request.method == "POST" and form is None:
        messages.error(request, "Please choose one of the actions below.")
    return render(request, "moderation/thread_tools.html", {"thread": thread, "forms": forms})


@moderator_required
def facilitator_note_add(request: HttpRequest, post_id: int) -> HttpResponse:
    post = group_selectors.post_for(request.user, post_id)
    policies.check_moderate_in(request.user, post.thread.group_id)
    form = FacilitatorNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = attempt(
            form,
            lambda: note_services.facilitator_note_add(
                actor=request.user, post=post, **form.cleaned_data
            ),
        )
        if note is not None:
            messages.success(request, "Your note is shown under the post.")
            return redirect(post)
    notes = post.facilitator_notes.select_related("author", "resource")
    return render(
        request,
        "moderation/facilitator_note_form.html",
        {"post": post, "form": form, "notes": notes},
    )


@moderator_required
@require_POST
def facilitator_note_delete(request: HttpRequest, note_id: int) -> HttpResponse:
    note = get_object_or_404(FacilitatorNote.objects.select_related("post"), pk=note_id)
    post = group_selectors.post_for(request.user, note.post_id)
    policies.check_moderate_in(request.user, post.thread.group_id)
    note_services.facilitator_note_delete(actor=request.user, note=note)
    messages.success(request, "The note is deleted.")
    return redirect(reverse("moderation:facilitator_note_add", args=[post.pk]))
