"""Addresses of things pages link to many times a request (each group on the home page,
each thread on a group page), remembered per process: ``reverse`` walks the URL patterns
on every call, a tenth of the home page's time. The URL patterns never change while a
process runs; the script prefix is part of the key."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse


@lru_cache(maxsize=8192)
def _address(name: str, args: tuple, prefix: str) -> str:
    return reverse(name, args=list(args))


def address(name: str, *args: object) -> str:
    """``reverse(name, args=args)``, remembered."""
    return _address(name, args, get_script_prefix())
