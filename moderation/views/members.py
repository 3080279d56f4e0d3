from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from supportforum.views import attempt

from ..decorators import moderator_required
from ..forms.notes import StaffNoteForm
from ..selectors.members import member_for_moderation, member_history
from ..services import notes as services


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
    staff_notes = services.staff_notes_read(reader=request.user, member=member)
    return render(
        request,
        "moderation/member.html",
        {"history": history, "staff_notes": staff_notes, "note_form": form},
    )
