from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from supportforum.views import attempt

from .. import policies
from ..decorators import moderator_required
from ..forms.members import EmailRevealForm
from ..forms.notes import StaffNoteForm
from ..selectors.members import MemberHistory, member_for_moderation, member_history
from ..services import notes as services
from ..services import reveal


@moderator_required
def member_detail(request: HttpRequest, handle: str) -> HttpResponse:
    member = member_for_moderation(request.user, handle)
    history = member_history(request.user, member)
    form = StaffNoteForm(request.POST or None, groups=history.groups, site_wide=history.site_wide)
    if request.method == "POST" and form.is_valid():
        note = attempt(
            form,
            lambda: services.staff_note_add(
                author=request.user, member=member, **form.cleaned_data
            ),
        )
        if note is not None:
            messages.success(request, f"Your note about {member.handle} is saved.")
            return redirect("moderation:member", handle=member.handle)
    return _member_page(request, member, history=history, note_form=form)


@moderator_required
@require_POST
def member_reveal_email(request: HttpRequest, handle: str) -> HttpResponse:
    """The address is in this one response only (never in the session or a message);
    the middleware marks it ``no-store``."""
    policies.check_reveal_email(request.user)
    member = member_for_moderation(request.user, handle)
    form = EmailRevealForm(request.POST)
    email = None
    if form.is_valid():
        email = attempt(
            form,
            lambda: reveal.member_email_reveal(
                actor=request.user, member=member, reason=form.cleaned_data["reason"]
            ),
        )
    return _member_page(request, member, reveal_form=form, revealed_email=email)


def _member_page(
    request: HttpRequest,
    member: User,
    *,
    history: MemberHistory | None = None,
    note_form: StaffNoteForm | None = None,
    reveal_form: EmailRevealForm | None = None,
    revealed_email: str | None = None,
) -> HttpResponse:
    history = history or member_history(request.user, member)
    if note_form is None:
        note_form = StaffNoteForm(groups=history.groups, site_wide=history.site_wide)
    can_reveal = policies.can_reveal_email(request.user)
    if can_reveal and (reveal_form is None or revealed_email):
        reveal_form = EmailRevealForm()
    staff_notes = services.staff_notes_read(reader=request.user, member=member)
    return render(
        request,
        "moderation/member.html",
        {
            "history": history,
            "staff_notes": staff_notes,
            "note_form": note_form,
            "can_reveal_email": can_reveal,
            "has_email_to_reveal": reveal.has_email_to_reveal(member),
            "reveal_form": reveal_form,
            "revealed_email": revealed_email,
        },
    )
