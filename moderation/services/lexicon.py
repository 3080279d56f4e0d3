"""The crisis detector's lexicon as admins edit it, and the detector's entry point for
Haven. The shipped entries (``moderation/crisis/lexicon/*.json``) are loaded into the
``LexiconEntry`` table; admins edit, disable or add entries in the admin, and every
process rebuilds its compiled lexicon on its next use (no restart). A lexicon change can
re-scan recent posts in the background."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups.models import Post

from ..crisis import Assessment, Lexicon, Severity, assess, default_lexicon
from ..crisis.lexicon import load_entries, validate_entry
from ..hotreload import Reloadable
from ..models import LexiconEntry, LexiconRescan
from .audit import audit_record

LEXICON_FIELDS = (
    "key",
    "pattern",
    "kind",
    "signal",
    "severity",
    "language",
    "first_person",
    "examples",
    "counter_examples",
)
RESCAN_BATCH = 200
MAX_RESCAN_DAYS = 90


def _build_lexicon() -> Lexicon:
    rows = list(LexiconEntry.objects.filter(enabled=True).values(*LEXICON_FIELDS))
    if not rows and not LexiconEntry.objects.exists():
        return default_lexicon()  # before the defaults were loaded (a fresh database)
    return Lexicon.from_entries(rows)


_LEXICON: Reloadable[Lexicon] = Reloadable("moderation:crisis-lexicon:version", _build_lexicon)


def current_lexicon() -> Lexicon:
    return _LEXICON.get()


def lexicon_changed() -> None:
    """Every process rebuilds the lexicon on its next post. Call after commit."""
    _LEXICON.changed()


def forget_lexicon() -> None:
    _LEXICON.forget()


def assess_text(text: str, *, language: str = "auto") -> Assessment:
    """The detector on ``text`` with the current lexicon, every language's pack by default
    (posts mix languages; each pack carries its own idiom exclusions). Pure apart from
    reading the cached lexicon; never raises for odd input."""
    return assess(text, language, current_lexicon())


def entry_as_dict(entry: LexiconEntry) -> dict:
    return {name: getattr(entry, name) for name in LEXICON_FIELDS}


@transaction.atomic
def lexicon_sync_defaults() -> dict[str, int]:
    """Load the shipped lexicon into the editable table: new entries are added, shipped
    entries nobody edited here are updated, shipped entries that were dropped are
    disabled. Entries an admin edited or added are left as they are. Idempotent."""
    shipped = {entry["key"]: entry for entry in load_entries()}
    counts = {"added": 0, "updated": 0, "disabled": 0}
    existing = {row.key: row for row in LexiconEntry.objects.all()}
    for key, entry in shipped.items():
        values = {name: entry[name] for name in LEXICON_FIELDS if name != "key" and name in entry}
        row = existing.get(key)
        if row is None:
            LexiconEntry.objects.create(key=key, from_default=True, **values)
            counts["added"] += 1
        elif row.from_default and not row.edited:
            changed = [name for name, value in values.items() if getattr(row, name) != value]
            if changed:
                for name in changed:
                    setattr(row, name, values[name])
                row.updated_at = timezone.now()
                row.save()
                counts["updated"] += 1
    dropped = [
        row.pk
        for key, row in existing.items()
        if row.from_default and not row.edited and row.enabled and key not in shipped
    ]
    counts["disabled"] = LexiconEntry.objects.filter(pk__in=dropped).update(enabled=False)
    transaction.on_commit(lexicon_changed)
    return counts


def lexicon_entry_problems(entry: dict) -> list[str]:
    """Why an entry cannot be used (empty when it can): a bad pattern, an unknown signal
    or severity, or an entry that misses its own examples or fires on its own
    counter-examples."""
    return validate_entry(entry)


@transaction.atomic
def lexicon_entry_save(*, entry: LexiconEntry, actor: User) -> LexiconEntry:
    """Save an admin's entry (checked first), mark it edited so shipped updates leave it
    alone, audit it, and make every process reload the lexicon after commit."""
    problems = lexicon_entry_problems(entry_as_dict(entry))
    if problems:
        raise ValidationError(problems)
    entry.edited = True
    entry.updated_at = timezone.now()
    entry.updated_by = actor
    entry.save()
    audit_record(
        actor=actor,
        action="crisis.lexicon_changed",
        reason=f"{entry.key}: {entry.pattern}"[:300],
        details={"key": entry.key, "enabled": entry.enabled},
    )
    transaction.on_commit(lexicon_changed)
    return entry


@transaction.atomic
def lexicon_entry_delete(*, entry: LexiconEntry, actor: User) -> None:
    audit_record(
        actor=actor,
        action="crisis.lexicon_changed",
        reason=f"Deleted {entry.key}"[:300],
        details={"key": entry.key, "deleted": True},
    )
    entry.delete()
    transaction.on_commit(lexicon_changed)


@transaction.atomic
def lexicon_rescan_start(*, actor: User, days: int) -> LexiconRescan:
    """Queue a re-scan of the posts of the last ``days`` days (at most 90) with the
    current lexicon; progress shows in the admin."""
    if not 1 <= days <= MAX_RESCAN_DAYS:
        raise ValidationError(f"Choose between 1 and {MAX_RESCAN_DAYS} days.")
    since = timezone.now() - timedelta(days=days)
    rescan = LexiconRescan.objects.create(
        started_by=actor, days=days, total=_rescan_posts(since).count()
    )
    audit_record(
        actor=actor,
        action="crisis.lexicon_rescan",
        reason=f"Re-scan of the last {days} days",
        details={"rescan": rescan.pk},
    )
    from ..tasks import lexicon_rescan_task  # tasks import services

    rescan_id = rescan.pk
    transaction.on_commit(lambda: lexicon_rescan_task.delay(rescan_id), robust=True)
    return rescan


def _rescan_posts(since):
    return Post.objects.filter(created_at__gte=since, deleted_at__isnull=True).exclude(
        state=Post.State.REMOVED
    )


def lexicon_rescan_run(rescan_id: int) -> LexiconRescan | None:
    """Run (or resume) a re-scan in batches, recording progress after each, so a worker
    killed half-way resumes where it stopped. Posts raise alerts as an edit would: a post
    whose alert was already resolved with the same evidence is not alerted again.
    Idempotent."""
    from .crisis import alert_for_post  # crisis imports this module

    rescan = LexiconRescan.objects.filter(pk=rescan_id).first()
    if rescan is None or rescan.state == LexiconRescan.State.DONE:
        return rescan
    LexiconRescan.objects.filter(pk=rescan.pk).update(state=LexiconRescan.State.RUNNING)
    since = rescan.created_at - timedelta(days=rescan.days)
    posts = (
        _rescan_posts(since)
        .filter(created_at__lte=rescan.created_at)
        .select_related("thread__group", "author")
        .order_by("pk")
    )
    lexicon = current_lexicon()
    last_id, done, raised = rescan.last_post_id, rescan.done, rescan.alerts_raised
    while True:
        batch = list(posts.filter(pk__gt=last_id)[:RESCAN_BATCH])
        if not batch:
            break
        for post in batch:
            text = f"{post.thread.title}\n{post.body}" if post.is_opening else post.body
            assessment = assess(text, "auto", lexicon)
            if assessment.severity >= Severity.MODERATE:
                with transaction.atomic():
                    before = post.crisis_alerts.count()
                    alert_for_post(post=post, assessment=assessment, edited=True)
                    raised += post.crisis_alerts.count() - before
        last_id, done = batch[-1].pk, done + len(batch)
        LexiconRescan.objects.filter(pk=rescan.pk).update(
            last_post_id=last_id, done=done, alerts_raised=raised
        )
    LexiconRescan.objects.filter(pk=rescan.pk).update(
        state=LexiconRescan.State.DONE, done=max(done, rescan.total), finished_at=timezone.now()
    )
    rescan.refresh_from_db()
    return rescan
