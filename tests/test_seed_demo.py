"""``manage.py seed_demo`` (what ``make demo`` runs) builds the demo community, however fast
it runs, and a second run adds nothing."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core.management import call_command

from groups.models import Post, SupportGroup, Thread

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_seeds_the_demo_even_when_no_time_passes_and_only_once() -> None:
    # A frozen clock: every slow-mode check sees the seeding's own "now" (the worst case
    # of a fast machine: seeded replies dated "now" refused the member's next one).
    frozen = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=frozen):
        call_command("seed_demo", quiet=True)
        groups, threads, posts = (
            SupportGroup.objects.count(),
            Thread.objects.count(),
            Post.objects.count(),
        )
        assert groups >= 5 and threads >= 10 and posts > threads
        assert SupportGroup.objects.filter(slow_mode_seconds__gt=0).exists()
        call_command("seed_demo", quiet=True)
    assert (SupportGroup.objects.count(), Thread.objects.count(), Post.objects.count()) == (
        groups,
        threads,
        posts,
    )
