"""Admins configure groups, policies and facilitators in the Django admin."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse

from groups.models import Membership, SupportGroup
from tests.factories import GroupFactory, UserFactory, make_thread

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_every_registered_model_has_working_admin_pages(client, admin_user) -> None:
    group = GroupFactory()
    member = UserFactory()
    Membership.objects.create(user=member, group=group)
    make_thread(author=member, group=group)
    client.force_login(admin_user)
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change


@pytest.mark.django_db
def test_admin_creates_group_with_rendered_rules_and_facilitator(client, admin_user) -> None:
    facilitator = UserFactory(handle="northstar_care")
    client.force_login(admin_user)
    data = {
        "name": "Caregivers",
        "slug": "caregivers",
        "description": "For people who look after someone.",
        "flag_hide_threshold": 3,
        "review_reminder_minutes": 120,
        "rules-TOTAL_FORMS": 1,
        "rules-INITIAL_FORMS": 0,
        "rules-0-number": 1,
        "rules-0-title": "Be kind",
        "rules-0-body": "**Gently**, always.",
        "visibility": "listed",
        "join_policy": "request",
        "entry_question": "Who do you care for?",
        "posting_policy": "open",
        "premoderate_first_n": 0,
        "slow_mode_seconds": 0,
        "slow_mode_reason": "",
        "min_account_age_hours": 0,
        "facilitation": "professional",
        # The "Safety" section, as the add form pre-fills it.
        "crisis_ack_imminent_minutes": 5,
        "crisis_ack_high_minutes": 15,
        "crisis_ack_moderate_minutes": 60,
        "hold_personal_information": "on",
        "memberships-TOTAL_FORMS": 1,
        "memberships-INITIAL_FORMS": 0,
        "memberships-0-user": facilitator.pk,
        "memberships-0-role": "facilitator",
        "memberships-0-status": "active",
    }
    response = client.post(reverse("admin:groups_supportgroup_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    group = SupportGroup.objects.get(slug="caregivers")
    rule = group.rules.get()
    assert (rule.number, rule.title) == (1, "Be kind")
    assert "<strong>Gently</strong>" in rule.body_html
    assert Membership.objects.get(group=group, user=facilitator).is_facilitator


@pytest.mark.django_db
def test_admin_refuses_request_group_without_entry_question(client, admin_user) -> None:
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:groups_supportgroup_add"),
        {
            "name": "G",
            "slug": "g",
            "visibility": "listed",
            "join_policy": "request",
            "entry_question": "",
            "posting_policy": "open",
            "premoderate_first_n": 0,
            "slow_mode_seconds": 0,
            "min_account_age_hours": 0,
            "facilitation": "peer",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert not SupportGroup.objects.filter(slug="g").exists()


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_docker_compose_file_is_valid() -> None:
    result = subprocess.run(
        ["docker-compose", "config", "-q"],
        cwd=ROOT,
        env={
            "SECRET_KEY": "for-the-config-check",
            "MFA_ENCRYPTION_KEY": "for-the-config-check",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_slow_mode_change_records_who_and_is_audited(admin_user) -> None:
    from groups import services
    from moderation.models import AuditLogEntry
    from tests.factories import GroupFactory

    group = GroupFactory()
    group.slow_mode_seconds = 120
    group.slow_mode_reason = "A heated thread tonight"
    services.group_save(group=group, actor=admin_user)
    group.refresh_from_db()
    assert group.slow_mode_set_by == admin_user
    entry = AuditLogEntry.objects.get(action="group.slow_mode")
    assert (entry.actor, entry.group, entry.reason) == (admin_user, group, group.slow_mode_reason)
    assert entry.details == {"was_seconds": 0, "now_seconds": 120}
    services.group_save(group=group, actor=admin_user)  # unchanged: no second entry
    assert AuditLogEntry.objects.filter(action="group.slow_mode").count() == 1
