"""``{% url %}`` with kept addresses (supportforum/urltags.py): the same text as
Django's ``reverse()``, kept under everything the address depends on."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from django.utils.safestring import mark_safe

from supportforum.urltags import KeptURLNode, _kept_reverse

pytestmark = pytest.mark.embedded


@pytest.fixture(autouse=True)
def _empty_cache():
    _kept_reverse.cache_clear()
    yield
    _kept_reverse.cache_clear()


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_every_template_gets_the_kept_tag_without_a_load():
    template = Template("{% url 'groups:directory' %}")
    assert [type(n) for n in template.nodelist] == [KeptURLNode]


@pytest.mark.parametrize(
    ("source", "context", "name", "args"),
    [
        ("{% url 'groups:directory' %}", {}, "groups:directory", []),
        (
            "{% url 'groups:group_detail' slug %}",
            {"slug": "anxiety-panic"},
            "groups:group_detail",
            ["anxiety-panic"],
        ),
        (
            "{% url 'groups:group_detail' slug=slug %}",
            {"slug": mark_safe("grief")},
            "groups:group_detail",
            ["grief"],
        ),
        ("{% url 'groups:post_permalink' pk %}", {"pk": 7}, "groups:post_permalink", [7]),
        (
            "{% url name pk %}",
            {"name": "groups:post_permalink", "pk": 8},
            "groups:post_permalink",
            [8],
        ),
    ],
)
def test_the_same_address_as_reverse_and_kept(source, context, name, args):
    first = _render(source, **context)
    again = _render(source, **context)
    assert first == again == reverse(name, args=args)
    info = _kept_reverse.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_other_arguments_other_addresses():
    source = "{% url 'groups:post_permalink' pk %}"
    assert _render(source, pk=1) != _render(source, pk=2)
    assert _render(source, pk=2) == reverse("groups:post_permalink", args=[2])


def test_the_script_prefix_is_part_of_the_key():
    source = "{% url 'groups:directory' %}"
    plain = _render(source)
    try:
        set_script_prefix("/haven/")
        prefixed = _render(source)
    finally:
        clear_script_prefix()
    assert plain == "/" and prefixed == "/haven/"
    assert _render(source) == "/"


def test_objects_as_arguments_are_reversed_each_time():
    class Handle:
        def __init__(self):
            self.text = "first"

        def __str__(self):
            return self.text

    handle = Handle()
    source = "{% url 'groups:group_detail' slug %}"
    assert _render(source, slug=handle) == "/g/first/"
    handle.text = "second"
    assert _render(source, slug=handle) == "/g/second/"
    assert _kept_reverse.cache_info().currsize == 0


def test_a_name_that_does_not_reverse_still_raises_and_is_not_kept():
    with pytest.raises(NoReverseMatch):
        _render("{% url 'groups:post_permalink' 'not-a-number' %}")
    assert _render("{% url 'groups:no_such_page' as missing %}[{{ missing }}]") == "[]"
    assert _kept_reverse.cache_info().currsize == 0
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_the_address_is_escaped_in_html_and_not_as_a_variable():
    source = "{% url 'groups:group_detail' slug %}|{% url 'groups:group_detail' slug as u %}{{ u }}"
    assert _render(source, slug="a-b") == "/g/a-b/|/g/a-b/"
    assert _kept_reverse.cache_info().hits == 1
