"""Settling a web process once it has loaded: every view imported, then what is loaded
moved out of the garbage collector's sight.

A web process holds ~150,000 long-lived objects (Django, the apps, the URL patterns, the
crisis lexicon). Python's full collection walks all of them: 60 to 80 ms on this
project's benchmark machine, during which the process answers no one, a pause that lands
in the slowest percentile of every page. ``gc.freeze()`` (the standard library's answer
to exactly this) moves the objects alive at start into a permanent generation, so a full
collection walks only what requests made: ~3 ms. What is frozen is never freed, which is
why this runs once, after a collection, on objects that live as long as the process."""

import gc


def settle() -> int:
    """Import every view (the URLconf) and freeze what is loaded. Returns how many
    objects were frozen."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module now)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
