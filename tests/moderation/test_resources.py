"""Vetted resources: suggesting, vetting, pinning, re-vetting, and the pages that show them."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from groups.models import Membership
from moderation.models import AuditLogEntry, Resource, ResourcePin, ReviewItem
from moderation.services import queue
from moderation.services import resources as services
from moderation.tasks import resources_review_stale_task
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    UserFactory,
    give_totp,
    make_thread,
    signed_in_with_mfa,
)

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def make_resource(actor, **overrides) -> Resource:
    fields = {
        "title": "Samaritans",
        "url": "https://www.samaritans.org/",
        "kind": Resource.Kind.HOTLINE,
        "description": "Call 116 123, any time, free.",
        "region": "GB",
    }
    fields.update(overrides)
    return services.resource_create(actor=actor, **fields)


def suggest(member, **overrides) -> Resource:
    fields = {
        "title": "Breathing exercise",
        "url": "https://example.org/breathe",
        "kind": Resource.Kind.TOOL,
        "description": "Helped me through panic attacks.",
    }
    fields.update(overrides)
    return services.resource_suggest(suggester=member, **fields)


def make_stale(resource: Resource, days: int = 1) -> Resource:
    Resource.objects.filter(pk=resource.pk).update(review_by=today() - timedelta(days=days))
    resource.refresh_from_db()
    return resource


@pytest.fixture
def other_facilitator(db):
    """A facilitator of a different group."""
    return MembershipFactory(
        group=GroupFactory(name="Grief", slug="grief"),
        role=Membership.Role.FACILITATOR,
        user__handle="elsewhere_fac",
    ).user


# --- creating ---


def test_resource_create_vets_at_once_with_a_year_to_review(facilitator) -> None:
    resource = make_resource(facilitator)
    resource.refresh_from_db()
    assert resource.state == Resource.State.VETTED
    assert resource.vetted_by == facilitator and resource.vetted_at is not None
    assert resource.review_by == today() + timedelta(days=365)
    entry = AuditLogEntry.objects.get(action="resource.create")
    assert entry.actor == facilitator and entry.details["resource"] == resource.pk


def test_resource_create_refused_for_members(member) -> None:
    with pytest.raises(PermissionDenied):
        make_resource(member)
    assert not Resource.objects.exists() and not AuditLogEntry.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://files.example.org/x",
        "data:text/html,hi",
        "https://",
        "mailto:a@b",
    ],
)
def test_resource_create_accepts_only_web_addresses(facilitator, url) -> None:
    with pytest.raises(ValidationError) as exc:
        make_resource(facilitator, url=url)
    assert "url" in exc.value.message_dict
    assert not Resource.objects.exists()


def test_resource_create_refuses_a_bad_region_and_a_past_review_date(facilitator) -> None:
    with pytest.raises(ValidationError):
        make_resource(facilitator, region="G1")
    with pytest.raises(ValidationError):
        make_resource(facilitator, review_by=today())
    assert make_resource(facilitator, region="gb").region == "GB"


def test_resource_create_refuses_a_duplicate_address(facilitator) -> None:
    make_resource(facilitator)
    with pytest.raises(ValidationError) as exc:
        make_resource(facilitator, url="HTTPS://www.samaritans.org/", title="Again")
    assert "already in the library" in str(exc.value)
    assert Resource.objects.count() == 1


# --- suggesting ---


def test_resource_suggest_waits_for_vetting_in_the_groups_queue(member, group) -> None:
    resource = suggest(member, suggested_for=group)
    assert resource.state == Resource.State.SUGGESTED and resource.suggested_by == member
    assert not Resource.objects.vetted().exists()
    item = ReviewItem.objects.get(resource=resource)
    assert item.kind == ReviewItem.Kind.RESOURCE and item.group == group
    assert item.state == ReviewItem.State.OPEN and "quiet_harbour" in item.reason
    assert AuditLogEntry.objects.filter(action="resource.suggest", actor=member).exists()


def test_resource_suggest_needs_a_confirmed_email(group) -> None:
    unconfirmed = UserFactory(verified=False)
    with pytest.raises(PermissionDenied, match="confirm your e-mail"):
        suggest(unconfirmed)
    assert not Resource.objects.exists() and not ReviewItem.objects.exists()


def test_resource_suggest_only_for_groups_you_belong_to(outsider, group) -> None:
    with pytest.raises(PermissionDenied):
        suggest(outsider, suggested_for=group)
    assert not Resource.objects.exists()


def test_resource_suggest_is_limited_per_day(member) -> None:
    for i in range(services.DAILY_SUGGESTION_LIMIT):
        suggest(member, url=f"https://example.org/{i}")
    with pytest.raises(PermissionDenied, match="last day"):
        suggest(member, url="https://example.org/one-more")
    assert Resource.objects.count() == services.DAILY_SUGGESTION_LIMIT
    Resource.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    suggest(member, url="https://example.org/tomorrow")


def test_resource_suggest_of_a_known_address_says_so(member, other_member, facilitator) -> None:
    make_resource(facilitator, url="https://example.org/known")
    with pytest.raises(ValidationError, match="already in the library"):
        suggest(member, url="https://example.org/known")
    suggest(member, url="https://example.org/new")
    with pytest.raises(ValidationError, match="already suggested"):
        suggest(other_member, url="https://example.org/new")


# --- vetting ---


def test_resource_vet_approve_publishes_notifies_and_resolves(member, group, facilitator) -> None:
    resource = suggest(member, suggested_for=group)
    review_by = today() + timedelta(days=90)
    services.resource_vet(actor=facilitator, resource=resource, approve=True, review_by=review_by)
    resource.refresh_from_db()
    assert resource.state == Resource.State.VETTED and resource.vetted_by == facilitator
    assert resource.review_by == review_by
    item = ReviewItem.objects.get(resource=resource)
    assert item.state == ReviewItem.State.RESOLVED and item.resolution == "resource_vetted"
    notice = Notification.objects.get(recipient=member)
    assert (
        notice.kind == Notification.Kind.RESOURCE_VETTED and "Breathing exercise" in notice.message
    )
    entry = AuditLogEntry.objects.get(action="resource.vet")
    assert entry.actor == facilitator and entry.target_user == member and entry.group == group


def test_resource_vet_reject_needs_a_reason_the_suggester_reads(member, group, facilitator) -> None:
    resource = suggest(member, suggested_for=group)
    with pytest.raises(ValidationError):
        services.resource_vet(actor=facilitator, resource=resource, approve=False, reason="  ")
    resource.refresh_from_db()
    assert resource.state == Resource.State.SUGGESTED
    services.resource_vet(
        actor=facilitator, resource=resource, approve=False, reason="It sells supplements."
    )
    resource.refresh_from_db()
    assert resource.state == Resource.State.REJECTED
    assert "It sells supplements." in Notification.objects.get(recipient=member).message
    assert ReviewItem.objects.get(resource=resource).resolution == "resource_rejected"
    assert AuditLogEntry.objects.get(action="resource.reject").reason == "It sells supplements."


def test_resource_vet_refused_for_members_and_other_groups_facilitators(
    member, other_member, group, other_facilitator
) -> None:
    resource = suggest(member, suggested_for=group)
    for actor in (other_member, other_facilitator):
        with pytest.raises(PermissionDenied):
            services.resource_vet(actor=actor, resource=resource, approve=True)
    resource.refresh_from_db()
    assert resource.state == Resource.State.SUGGESTED
    assert not Notification.objects.exists()


def test_any_facilitator_may_vet_a_site_wide_suggestion(member, other_facilitator) -> None:
    resource = suggest(member)
    services.resource_vet(actor=other_facilitator, resource=resource, approve=True)
    resource.refresh_from_db()
    assert resource.state == Resource.State.VETTED


def test_resource_vet_refused_while_another_facilitator_holds_the_claim(
    member, group, facilitator
) -> None:
    colleague = MembershipFactory(group=group, role=Membership.Role.FACILITATOR).user
    resource = suggest(member, suggested_for=group)
    queue.review_claim(actor=colleague, item=ReviewItem.objects.get(resource=resource))
    with pytest.raises(PermissionDenied, match="claimed"):
        services.resource_vet(actor=facilitator, resource=resource, approve=True)
    services.resource_vet(actor=colleague, resource=resource, approve=True)


def test_resource_vet_review_by_must_be_in_the_future(member, facilitator) -> None:
    resource = suggest(member)
    with pytest.raises(ValidationError):
        services.resource_vet(
            actor=facilitator, resource=resource, approve=True, review_by=today() - timedelta(1)
        )
    resource.refresh_from_db()
    assert resource.state == Resource.State.SUGGESTED


def test_rejecting_a_published_resource_takes_down_its_pins(facilitator, group) -> None:
    resource = make_resource(facilitator)
    services.resource_pin(actor=facilitator, resource=resource, group=group)
    services.resource_vet(actor=facilitator, resource=resource, approve=False, reason="Closed.")
    assert not ResourcePin.objects.exists()
    assert AuditLogEntry.objects.get(action="resource.reject").details["unpinned"] == 1


def test_resource_update_of_the_address_counts_as_vetting_again(
    facilitator, admin_user, member
) -> None:
    resource = make_resource(admin_user)
    with pytest.raises(PermissionDenied):
        services.resource_update(
            actor=member, resource=resource, title="x", url="https://x.org/", kind="tool"
        )
    services.resource_update(
        actor=facilitator,
        resource=resource,
        title="Samaritans (UK & Ireland)",
        url="https://www.samaritans.org/how-we-can-help/",
        kind=Resource.Kind.HOTLINE,
        region="GB",
        description="Call 116 123.",
    )
    resource.refresh_from_db()
    assert resource.title == "Samaritans (UK & Ireland)" and resource.vetted_by == facilitator
    entry = AuditLogEntry.objects.get(action="resource.update")
    assert entry.details["changed"] == ["description", "title", "url"]
    assert entry.details["previous_url"] == "https://www.samaritans.org/"


# --- pins ---


def test_resource_pin_to_a_group_and_a_thread(facilitator, group, member) -> None:
    resource = make_resource(facilitator)
    thread = make_thread(author=member, group=group)
    pin = services.resource_pin(actor=facilitator, resource=resource, group=group)
    again = services.resource_pin(actor=facilitator, resource=resource, group=group)
    assert again.pk == pin.pk
    services.resource_pin(actor=facilitator, resource=resource, thread=thread)
    assert ResourcePin.objects.count() == 2
    assert AuditLogEntry.objects.filter(action="resource.pin", group=group).count() == 2


def test_resource_pin_refusals(facilitator, group, member, other_facilitator) -> None:
    resource = make_resource(facilitator)
    suggestion = suggest(member)
    with pytest.raises(ValidationError, match="Only vetted"):
        services.resource_pin(actor=facilitator, resource=suggestion, group=group)
    for actor in (member, other_facilitator):
        with pytest.raises(PermissionDenied):
            services.resource_pin(actor=actor, resource=resource, group=group)
    with pytest.raises(ValidationError):
        services.resource_pin(actor=facilitator, resource=resource)
    assert not ResourcePin.objects.exists()


def test_resource_unpin_by_the_groups_facilitators_only(
    facilitator, group, member, other_facilitator
) -> None:
    pin = services.resource_pin(actor=facilitator, resource=make_resource(facilitator), group=group)
    for actor in (member, other_facilitator):
        with pytest.raises(PermissionDenied):
            services.resource_unpin(actor=actor, pin=pin)
    services.resource_unpin(actor=facilitator, pin=pin)
    assert not ResourcePin.objects.exists()
    assert AuditLogEntry.objects.filter(action="resource.unpin", actor=facilitator).exists()


# --- re-vetting ---


def test_stale_resources_return_to_the_queue_once(facilitator, admin_user) -> None:
    stale = make_stale(make_resource(facilitator))
    due_today = make_resource(facilitator, url="https://example.org/today", title="Today")
    Resource.objects.filter(pk=due_today.pk).update(review_by=today())
    make_resource(facilitator, url="https://example.org/fresh", title="Fresh")
    assert services.resources_review_stale() == 1
    assert services.resources_review_stale() == 0
    item = ReviewItem.objects.get()
    assert item.resource == stale and item.kind == ReviewItem.Kind.RESOURCE
    assert item.state == ReviewItem.State.OPEN and "Due for re-vetting" in item.reason
    assert AuditLogEntry.objects.filter(action="resource.due_for_review").count() == 1
    services.resource_vet(actor=admin_user, resource=stale, approve=True)
    item.refresh_from_db()
    assert item.state == ReviewItem.State.RESOLVED
    assert services.resources_review_stale() == 0
    assert services.resources_review_stale(today=today() + timedelta(days=366)) == 3


def test_re_vetting_does_not_notify_the_original_suggester(member, facilitator) -> None:
    resource = suggest(member)
    services.resource_vet(actor=facilitator, resource=resource, approve=True)
    make_stale(resource)
    services.resources_review_stale()
    services.resource_vet(actor=facilitator, resource=resource, approve=True)
    assert Notification.objects.filter(recipient=member).count() == 1


def test_review_stale_task_runs_the_service_and_is_scheduled(facilitator) -> None:
    make_stale(make_resource(facilitator))
    assert resources_review_stale_task.apply().get() == 1
    assert resources_review_stale_task.apply().get() == 0
    assert ReviewItem.objects.open().count() == 1
    schedule = settings.CELERY_BEAT_SCHEDULE.values()
    assert any(entry["task"] == resources_review_stale_task.name for entry in schedule)


# --- the library page ---


def test_library_shows_vetted_resources_hotlines_first(client, facilitator, member) -> None:
    make_resource(facilitator, title="Aardvark reading", url="https://a.org/", kind="article")
    make_resource(facilitator, title="Zed line", url="https://z.org/", kind="hotline")
    suggest(member, title="Unvetted idea")
    html = client.get(reverse("moderation:resource_library")).content.decode()
    assert html.index("Zed line") < html.index("Aardvark reading")
    assert "Unvetted idea" not in html
    assert 'rel="nofollow noopener noreferrer"' in html and "Leads to z.org" in html


def test_library_filters_by_kind_region_and_words(client, facilitator) -> None:
    make_resource(facilitator, title="UK line", url="https://uk.org/", region="GB")
    make_resource(facilitator, title="US line", url="https://us.org/", region="US")
    make_resource(facilitator, title="Anywhere app", url="https://app.org/", kind="tool", region="")
    url = reverse("moderation:resource_library")

    def titles(**params) -> set[str]:
        page = client.get(url, params).content.decode()
        return {t for t in ("UK line", "US line", "Anywhere app") if t in page}

    assert titles() == {"UK line", "US line", "Anywhere app"}
    assert titles(region="GB") == {"UK line", "Anywhere app"}
    assert titles(kind="tool") == {"Anywhere app"}
    assert titles(q="line us") == {"US line"}
    assert titles(kind="nonsense", region="<script>") == {"UK line", "US line", "Anywhere app"}
    assert "No vetted resources match" in client.get(url, {"q": "zzz"}).content.decode()


def test_library_marks_stale_resources_as_being_rechecked(client, facilitator) -> None:
    make_stale(make_resource(facilitator))
    assert "Being re-checked" in client.get(reverse("moderation:resource_library")).content.decode()


def test_library_pages_keep_the_filters(client, facilitator) -> None:
    for i in range(30):
        make_resource(facilitator, title=f"Line {i:02}", url=f"https://l{i}.org/", region="GB")
    html = client.get(reverse("moderation:resource_library"), {"region": "GB"}).content.decode()
    assert "?region=GB&amp;page=2" in html


def test_library_query_count_is_fixed(client, facilitator, member) -> None:
    url = reverse("moderation:resource_library")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    make_resource(facilitator, url="https://first.org/")
    small = queries()
    for i in range(60):
        make_resource(
            facilitator, title=f"R{i}", url=f"https://r{i}.org/", region=f"A{chr(65 + i % 26)}"
        )
    assert queries() == small == 4  # count, page, regions, the guide
    client.force_login(member)
    signed_in = queries()
    for i in range(10):
        make_resource(facilitator, title=f"S{i}", url=f"https://s{i}.org/")
    assert queries() == signed_in


def test_footer_links_to_the_library(client) -> None:
    html = client.get(reverse("groups:directory")).content.decode()
    assert f'href="{reverse("moderation:resource_library")}"' in html


# --- suggesting from the page ---


def test_suggest_page_needs_sign_in(client) -> None:
    response = client.get(reverse("moderation:resource_suggest"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_member_suggests_a_resource_and_is_thanked(client, member, group) -> None:
    client.force_login(member)
    response = client.post(
        reverse("moderation:resource_suggest"),
        {
            "title": "Grounding cards",
            "url": "https://example.org/cards",
            "kind": "tool",
            "region": "",
            "description": "",
            "suggested_for": group.pk,
        },
        follow=True,
    )
    assert "Thank you for suggesting a resource" in response.content.decode()
    resource = Resource.objects.get()
    assert resource.state == Resource.State.SUGGESTED and resource.suggested_for == group


def test_suggest_page_explains_bad_input(client, member) -> None:
    client.force_login(member)
    response = client.post(
        reverse("moderation:resource_suggest"),
        {"title": "Bad", "url": "javascript:alert(1)", "kind": "tool", "region": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "starting with https://" in html and "two-letter country code" in html
    assert not Resource.objects.exists()


# --- moderation pages ---


def _mod_urls(resource: Resource, group) -> list[str]:
    return [
        reverse("moderation:resource_manage"),
        reverse("moderation:resource_add"),
        reverse("moderation:resource_vet", args=[resource.pk]),
        reverse("moderation:resource_edit", args=[resource.pk]),
        f"{reverse('moderation:resource_pins')}?group={group.slug}",
    ]


def test_moderation_pages_refuse_members(client, member, group, facilitator) -> None:
    resource = make_resource(facilitator)
    client.force_login(member)
    give_totp(member)
    for url in _mod_urls(resource, group):
        assert client.get(url).status_code == 403, url
    pin = services.resource_pin(actor=facilitator, resource=resource, group=group)
    assert client.post(reverse("moderation:resource_unpin", args=[pin.pk])).status_code == 403
    assert ResourcePin.objects.exists()


def test_moderation_pages_require_mfa_for_facilitators(client, facilitator, group) -> None:
    resource = make_resource(facilitator)
    client.force_login(facilitator)
    for url in _mod_urls(resource, group):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("mfa_activate_totp")), url


def test_moderation_pages_send_visitors_to_sign_in(client, facilitator, group) -> None:
    for url in _mod_urls(make_resource(facilitator), group):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_facilitator_adds_and_edits_a_resource(mod_client, facilitator) -> None:
    response = mod_client.post(
        reverse("moderation:resource_add"),
        {"title": "Shout", "url": "https://giveusashout.org/", "kind": "hotline", "region": "gb"},
        follow=True,
    )
    assert "is in the library" in response.content.decode()
    resource = Resource.objects.get()
    assert resource.region == "GB" and resource.vetted_by == facilitator
    response = mod_client.post(
        reverse("moderation:resource_edit", args=[resource.pk]),
        {"title": "Shout 85258", "url": "https://giveusashout.org/", "kind": "hotline"},
        follow=True,
    )
    assert "Changes saved" in response.content.decode()
    resource.refresh_from_db()
    assert resource.title == "Shout 85258"


def test_facilitator_vets_a_suggestion_from_the_page(mod_client, member, group) -> None:
    resource = suggest(member, suggested_for=group)
    listing = mod_client.get(reverse("moderation:resource_manage")).content.decode()
    assert "Breathing exercise" in listing and "quiet_harbour" in listing
    url = reverse("moderation:resource_vet", args=[resource.pk])
    response = mod_client.post(url, {"decision": "reject", "reason": ""})
    assert "Please say why" in response.content.decode()
    resource.refresh_from_db()
    assert resource.state == Resource.State.SUGGESTED
    review_by = today() + timedelta(days=30)
    response = mod_client.post(
        url, {"decision": "approve", "review_by": review_by.isoformat()}, follow=True
    )
    assert "is vetted until" in response.content.decode()
    resource.refresh_from_db()
    assert resource.state == Resource.State.VETTED and resource.review_by == review_by


def test_vet_page_hides_other_groups_suggestions(client, member, other_facilitator, group) -> None:
    resource = suggest(member, suggested_for=group)
    signed_in_with_mfa(client, other_facilitator)
    assert client.get(reverse("moderation:resource_vet", args=[resource.pk])).status_code == 404
    assert (
        "Breathing exercise"
        not in client.get(reverse("moderation:resource_manage")).content.decode()
    )


def test_manage_page_lists_stale_resources(mod_client, facilitator) -> None:
    make_stale(make_resource(facilitator, title="Old helpline"))
    html = mod_client.get(reverse("moderation:resource_manage")).content.decode()
    assert "Due for re-vetting" in html and "Old helpline" in html


def test_pin_page_pins_and_unpins_for_a_group(mod_client, facilitator, group) -> None:
    resource = make_resource(facilitator)
    url = f"{reverse('moderation:resource_pins')}?group={group.slug}"
    assert "Samaritans" in mod_client.get(url).content.decode()
    response = mod_client.post(url, {"resource": resource.pk}, follow=True)
    assert "is pinned" in response.content.decode()
    pin = ResourcePin.objects.get(group=group)
    response = mod_client.post(reverse("moderation:resource_unpin", args=[pin.pk]), follow=True)
    assert "no longer pinned" in response.content.decode()
    assert not ResourcePin.objects.exists()


def test_pin_page_refuses_unvetted_and_unknown_targets(mod_client, facilitator, member) -> None:
    suggestion = suggest(member)
    base = reverse("moderation:resource_pins")
    assert mod_client.get(base).status_code == 404
    assert mod_client.get(f"{base}?group=no-such-group").status_code == 404
    assert mod_client.get(f"{base}?thread=999999").status_code == 404
    group = Membership.objects.get(user=facilitator).group
    response = mod_client.post(f"{base}?group={group.slug}", {"resource": suggestion.pk})
    assert "Please choose a vetted resource" in response.content.decode()
    assert not ResourcePin.objects.exists()


def test_pin_pages_hide_a_group_from_another_groups_facilitator(
    client, other_facilitator, facilitator, group
) -> None:
    signed_in_with_mfa(client, other_facilitator)
    url = f"{reverse('moderation:resource_pins')}?group={group.slug}"
    assert client.get(url).status_code == 404
    pin = services.resource_pin(actor=facilitator, resource=make_resource(facilitator), group=group)
    assert client.post(reverse("moderation:resource_unpin", args=[pin.pk])).status_code == 404
    assert ResourcePin.objects.exists()


# --- the "Vetted resources" box ---


def test_box_shows_group_pins_on_group_and_thread_pages(client, facilitator, member, group) -> None:
    group_pin = make_resource(facilitator, title="Group line")
    thread_pin = make_resource(facilitator, title="Thread tool", url="https://t.org/", kind="tool")
    stale = make_stale(make_resource(facilitator, title="Old line", url="https://old.org/"))
    thread = make_thread(author=member, group=group)
    other_thread = make_thread(author=member, group=group, title="Another")
    services.resource_pin(actor=facilitator, resource=group_pin, group=group)
    services.resource_pin(actor=facilitator, resource=stale, group=group)
    services.resource_pin(actor=facilitator, resource=thread_pin, thread=thread)
    client.force_login(member)
    group_html = client.get(group.get_absolute_url()).content.decode()
    assert "Vetted resources" in group_html and "Group line" in group_html
    assert "Thread tool" not in group_html and "Being re-checked" in group_html
    thread_html = client.get(thread.get_absolute_url()).content.decode()
    assert "Group line" in thread_html and "Thread tool" in thread_html
    other_html = client.get(other_thread.get_absolute_url()).content.decode()
    assert "Group line" in other_html and "Thread tool" not in other_html
    assert "Pin or unpin resources" not in group_html + thread_html


def test_box_is_absent_without_pins_and_offers_pinning_to_facilitators(
    client, facilitator, member, group
) -> None:
    thread = make_thread(author=member, group=group)
    client.force_login(member)
    assert "Vetted resources</h2>" not in client.get(group.get_absolute_url()).content.decode()
    client.force_login(facilitator)
    pins = reverse("moderation:resource_pins")
    assert f"{pins}?group={group.slug}" in client.get(group.get_absolute_url()).content.decode()
    assert f"{pins}?thread={thread.pk}" in client.get(thread.get_absolute_url()).content.decode()


def test_box_is_not_shown_to_outsiders_of_a_private_group(client, private_group, outsider) -> None:
    fac = MembershipFactory(group=private_group, role=Membership.Role.FACILITATOR).user
    services.resource_pin(actor=fac, resource=make_resource(fac), group=private_group)
    client.force_login(outsider)
    assert "Samaritans" not in client.get(private_group.get_absolute_url()).content.decode()


def test_rejected_resources_leave_the_box(client, facilitator, member, group) -> None:
    resource = make_resource(facilitator)
    services.resource_pin(actor=facilitator, resource=resource, group=group)
    Resource.objects.filter(pk=resource.pk).update(state=Resource.State.REJECTED)
    client.force_login(member)
    assert "Samaritans" not in client.get(group.get_absolute_url()).content.decode()


def test_box_costs_one_query_however_many_pins(client, facilitator, member, group) -> None:
    thread = make_thread(author=member, group=group)
    client.force_login(member)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def pin(n: int, start: int) -> None:
        for i in range(start, start + n):
            resource = make_resource(facilitator, title=f"P{i}", url=f"https://p{i}.org/")
            services.resource_pin(actor=facilitator, resource=resource, group=group)
            services.resource_pin(actor=facilitator, resource=resource, thread=thread)

    pin(1, 0)
    client.get(thread.get_absolute_url())  # read once: no measured visit moves the marker
    group_small, thread_small = (
        queries(group.get_absolute_url()),
        queries(thread.get_absolute_url()),
    )
    pin(15, 1)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert html.count('class="resource resource-hotline"') == 16  # each once, not per pin
    assert queries(group.get_absolute_url()) == group_small
    assert queries(thread.get_absolute_url()) == thread_small
