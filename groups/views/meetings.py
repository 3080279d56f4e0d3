"""Meetings: scheduling, the meeting page (RSVP, join details in the 24-hour window,
the list, cancel, reschedule and session notes for facilitators), .ics downloads and a
member's private calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import mail
from accounts.preferences import member_zone
from supportforum.views import attempt

from .. import policies, selectors
from ..calendar import calendar_bytes
from ..forms import (
    MeetingCancelForm,
    MeetingForm,
    MeetingNoteForm,
    MeetingRescheduleForm,
    RSVPForm,
)
from ..models import Meeting
from ..selectors import meetings as meeting_selectors
from ..services import meetings as services


def _zone(request: HttpRequest, meeting: Meeting | None = None):
    """Times in the viewer's own zone; a visitor sees the meeting's."""
    if request.user.is_authenticated:
        return member_zone(request.user)
    return meeting.zone if meeting is not None else timezone.get_default_timezone()


@login_required
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_by_slug(slug)
    policies.check_moderate_group(request.user, group)
    initial = {"time_zone": request.user.time_zone or "UTC"}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        meetings = attempt(
            form,
            lambda: services.meeting_schedule(actor=request.user, group=group, **form.cleaned_data),
        )
        if meetings:
            n = len(meetings)
            done = "Meeting scheduled." if n == 1 else f"{n} meetings scheduled."
            messages.success(request, done)
            return redirect(meetings[0])
    return render(request, "groups/meeting_form.html", {"group": group, "form": form})


def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    page = meeting_selectors.meeting_page(request.user, meeting_id)
    meeting = page.meeting
    context = {
        "page": page,
        "meeting": meeting,
        "zone": _zone(request, meeting),
        "rsvp_form": RSVPForm(),
        "cancel_form": MeetingCancelForm(),
        "reschedule_form": MeetingRescheduleForm(
            initial={
                "starts_local": services.meeting_local_start(meeting),
                "duration_minutes": services.meeting_minutes(meeting),
            }
        ),
        "note_form": MeetingNoteForm(),
        "notes": (
            services.meeting_notes_read(reader=request.user, meeting=meeting)
            if page.moderator
            else []
        ),
    }
    response = render(request, "groups/meeting_detail.html", context)
    response.haven_noindex = True
    return response


def _meeting_for(request: HttpRequest, meeting_id: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("group"), pk=meeting_id)
    policies.check_view_meeting(request.user, meeting)
    return meeting


def _act(request: HttpRequest, meeting: Meeting, form, action, done: str) -> HttpResponse:
    """Run a meeting action from a form on the meeting page; errors come back as
    messages (the page has several forms), and nothing changes."""
    if form.is_valid() and attempt(form, lambda: action(form.cleaned_data)) is not None:
        messages.success(request, done)
    else:
        errors = [e for errs in form.errors.values() for e in errs] or ["Nothing was changed."]
        messages.error(request, " ".join(errors))
    return redirect(meeting)


@login_required
@require_POST
def meeting_rsvp(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_for(request, meeting_id)
    form = RSVPForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose going or not going.")
        return redirect(meeting)
    try:
        rsvp = services.meeting_rsvp(
            user=request.user, meeting=meeting, going=form.cleaned_data["going"]
        )
    except PermissionDenied as exc:  # not a member, cancelled, already started...
        messages.error(request, str(exc))
        return redirect(meeting)
    done = {
        "going": "You're going. The joining details appear here 24 hours before it starts.",
        "waiting": "It's full, so you're on the waiting list: we'll tell you if a place frees up.",
        "not_going": "Thanks for letting us know.",
    }[rsvp.status]
    messages.success(request, done)
    return redirect(meeting)


# Facilitators' actions from the meeting page: (form, service, message when done).
MEETING_ACTIONS = {
    "cancel": (
        MeetingCancelForm,
        services.meeting_cancel,
        "Cancelled. Everyone who was coming has been told.",
    ),
    "reschedule": (
        MeetingRescheduleForm,
        services.meeting_reschedule,
        "Moved. Everyone who was coming has been told.",
    ),
    "note": (
        MeetingNoteForm,
        services.meeting_note_add,
        "Session note saved (facilitators only).",
    ),
}


@login_required
@require_POST
def meeting_action(request: HttpRequest, meeting_id: int, action: str) -> HttpResponse:
    meeting = _meeting_for(request, meeting_id)
    policies.check_moderate_group(request.user, meeting.group)
    form_class, service, done = MEETING_ACTIONS[action]
    return _act(
        request,
        meeting,
        form_class(request.POST),
        lambda data: service(actor=request.user, meeting=meeting, **data),
        done,
    )


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_for(request, meeting_id)
    entry = meeting_selectors.meeting_entry(meeting, url_for=mail.absolute)
    body = calendar_bytes([entry], name=meeting.title, stamp=timezone.now())
    return _ics(body, f"haven-meeting-{meeting.pk}.ics")


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.calendar_feed_revoke(user=request.user)
        messages.success(request, "Your calendar address changed: the old one no longer works.")
        return redirect("groups:calendar_settings")
    feed = services.calendar_feed_for(request.user)
    context = {
        "feed_url": mail.absolute(feed.get_absolute_url()),
        "meetings": meeting_selectors.member_meetings(request.user, limit=20),
        "zone": _zone(request),
    }
    return render(request, "groups/calendar_settings.html", context)


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The member's feed by its secret address (calendar apps cannot sign in)."""
    feed = meeting_selectors.feed_by_token(token)
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    entries = meeting_selectors.feed_entries(feed.user, url_for=mail.absolute)
    return _ics(calendar_bytes(entries, name="Haven meetings", stamp=timezone.now()), "haven.ics")
