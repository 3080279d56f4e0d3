"""``{% url %}`` with the reversed addresses kept per process (a template builtin, so it
stands in for Django's own tag in every template without a ``{% load %}``).

Django's ``reverse()`` walks the resolver's candidates, checks every argument against
its pattern's regular expression and quotes the result: about 70 µs a call on this
machine, and a page calls it 12 to 20 times outside the kept post fragments. The
address is a pure function of the view name, the arguments, the namespace being
rendered, the script prefix and the URL configuration, so it is kept under exactly
those. Only arguments that are ``int`` or text are kept (a model or another object
could turn into a different string later); a name that does not reverse is never kept
and raises as before."""

from functools import lru_cache

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

KEPT_URLS = 4096  # a few hundred names with the ids of busy threads and posts


@lru_cache(maxsize=KEPT_URLS)
def _kept_reverse(view_name, args, kwargs, current_app, _prefix, _urlconf) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def _keepable(values) -> bool:
    # str subclasses too: the template hands over SafeString, which is its own text
    return all(type(v) is int or isinstance(v, str) for v in values)


def kept_reverse(view_name, args: tuple, kwargs: dict, current_app) -> str:
    if isinstance(view_name, str) and _keepable(args) and _keepable(kwargs.values()):
        return _kept_reverse(
            str(view_name),
            tuple(v if type(v) is int else str(v) for v in args),
            tuple(sorted((k, v if type(v) is int else str(v)) for k, v in kwargs.items())),
            current_app,
            get_script_prefix(),
            get_urlconf(),
        )
    return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)


class KeptURLNode(defaulttags.URLNode):
    def render(self, context):  # Django's URLNode.render with kept_reverse
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = kept_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
