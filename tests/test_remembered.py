"""Per-process memos of words and addresses pages print many times (supportforum.ages,
supportforum.addresses): the same answers as Django's, remembered."""

from datetime import UTC, date, datetime, timedelta

from django.template import Context, Template
from django.utils.timesince import timesince

from supportforum import ages

AGOS = (
    timedelta(seconds=5),
    timedelta(minutes=7, seconds=59),
    timedelta(hours=3, minutes=2, seconds=30),
    timedelta(days=40),
    timedelta(days=800, hours=5),
)


def test_says_what_timesince_says() -> None:
    for ago in AGOS:
        for moment in (datetime.now(UTC) - ago, datetime.now() - ago):  # aware and naive
            assert ages.age(moment) == timesince(moment)
    three_hours = datetime.now(UTC) - timedelta(hours=3, minutes=2, seconds=59)
    assert ages.age(three_hours) == "3\xa0hours, 2\xa0minutes"
    assert ages.age(date.today() - timedelta(days=3)) == timesince(date.today() - timedelta(days=3))


def test_nothing_the_future_and_nonsense() -> None:
    assert ages.age(None) == ""
    assert ages.age(datetime.now(UTC) + timedelta(hours=1)) == "0\xa0minutes"
    assert ages.age("yesterday") == ""  # what the filter says for a value it cannot use


def test_remembered_within_the_minute() -> None:
    moment = datetime.now(UTC) - timedelta(hours=5)
    ages.age(moment)
    hits = ages._age.cache_info().hits
    ages.age(moment)
    assert ages._age.cache_info().hits == hits + 1


def test_the_template_filter() -> None:
    moment = datetime.now(UTC) - timedelta(minutes=12, seconds=20)
    out = Template("{% load groups_tags %}{{ when|age }}").render(Context({"when": moment}))
    assert out == "12\xa0minutes"


def test_addresses_are_remembered_and_follow_the_script_prefix() -> None:
    from django.urls import reverse, set_script_prefix

    from supportforum.addresses import _address, address

    assert address("groups:group_detail", "grief") == reverse("groups:group_detail", args=["grief"])
    hits = _address.cache_info().hits
    assert address("groups:group_detail", "grief") == "/g/grief/"
    assert _address.cache_info().hits == hits + 1
    try:
        set_script_prefix("/haven/")
        assert address("groups:group_detail", "grief") == "/haven/g/grief/"
    finally:
        set_script_prefix("/")
