"""Hot querysets compiled to SQL once per process and shape, then run with other values.

Profiling the thread page (bench/README.md) showed that about half of its time went into
the ORM *building and compiling* the same five queries on every request: the SQL of the
page's posts (with its ``Exists`` annotations) is byte-for-byte the same for every member
and every thread; only the numbers in its parameters change. A ``Prepared`` query keeps
that SQL:

    PAGE_POSTS = Prepared("page posts", Post, build_page_posts)
    rows = PAGE_POSTS.objects(shape=(True, False), thread_id=7, viewer_id=3)

``build(*shape, **values)`` returns the queryset. The first call for a ``shape`` (what
changes the SQL's text: signed in or not, moderator or not, LIMIT and OFFSET, the length
of an ``IN`` list) builds it once with *sentinel* integers in place of the values,
compiles it, and notes where each sentinel landed among the SQL's parameters. Every later
call sends that SQL with the real values in those places, on the thread's own connection
(so query counting, ``atomic`` blocks and the replica router apply as for any query), and
turns the rows into model instances the way ``QuerySet`` does (``select_related``
objects, annotations, deferred fields).

What keeps it honest:
- only integer values are slots; anything else a builder reads is part of the shape;
- a shape whose SQL text holds a sentinel (a value Django inlines instead of passing as a
  parameter), or whose parameters lack one, is refused when it is first compiled;
- with ``HAVEN_PREPARED_CHECK`` (on for the whole test suite) every call also builds and
  compiles the real queryset and raises if its SQL or parameters differ from the kept
  ones: each of the suite's thousands of page views checks the substitution.

Querysets with ``prefetch_related``, known related objects (``thread.posts``: build from
``Post.objects.filter(thread_id=...)`` instead) or ``values()`` dictionaries are refused.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

# No primary key or count is ever this low: a parameter equal to one is a slot.
_SENTINEL_BASE = -7_340_000_000_000
_INT64 = range(-(2**63), 2**63)
MAX_SHAPES = 512  # per query; LIMIT/OFFSET literals make a shape per page position


class PreparedMismatch(AssertionError):
    """The kept SQL differs from what the ORM compiles for the real values."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple  # per parameter: (name, index in a list value or None) or None
    compiler: Any
    kind: str  # "objects", "rows" or "flat"


def _sentinels(values: dict[str, Any]) -> tuple[dict[str, Any], dict[int, tuple]]:
    fake: dict[str, Any] = {}
    where: dict[int, tuple] = {}
    n = 0
    for name, value in values.items():
        if isinstance(value, (list, tuple)):
            fake[name] = []
            for i, _item in enumerate(value):
                n += 1
                fake[name].append(_SENTINEL_BASE - n)
                where[_SENTINEL_BASE - n] = (name, i)
        else:
            n += 1
            fake[name] = _SENTINEL_BASE - n
            where[_SENTINEL_BASE - n] = (name, None)
    return fake, where


def _in_range(values: dict[str, Any]) -> bool:
    """Whether every value is an int PostgreSQL's bigint can hold (else the ORM's own
    query runs: it answers "no rows" to an id out of range without asking)."""
    for name, value in values.items():
        items = value if isinstance(value, (list, tuple)) else [value]
        if any(type(v) is not int for v in items):
            raise TypeError(f"Prepared query value {name!r} must be an int or a list of ints")
        if any(v not in _INT64 for v in items):
            return False
    return True


class Prepared:
    def __init__(self, name: str, model: type, build: Callable[..., QuerySet]) -> None:
        self.name = name
        self.model = model
        self.build = build
        self._compiled: OrderedDict[Hashable, _Compiled] = OrderedDict()
        self._lock = threading.Lock()

    # -- compiling -------------------------------------------------------------------

    def _key(self, db: str, shape: Sequence, values: dict[str, Any]) -> Hashable:
        lengths = tuple(
            (k, len(v) if isinstance(v, (list, tuple)) else -1) for k, v in sorted(values.items())
        )
        return (db, tuple(shape), lengths)

    def _compile(self, db: str, shape: Sequence, values: dict[str, Any]) -> _Compiled:
        fake, where = _sentinels(values)
        try:
            queryset = self.build(*shape, **fake)
        except (ValueError, TypeError) as refused:  # e.g. a value used to slice
            raise TypeError(
                f"{self.name}: could not be built with stand-in values (make what a value "
                "decides part of the shape)"
            ) from refused
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError(f"{self.name}: prefetch_related and related managers can't be kept")
        kind = {
            ModelIterable: "objects",
            ValuesListIterable: "rows",
            FlatValuesListIterable: "flat",
        }.get(queryset._iterable_class)
        if kind is None or queryset.model is not self.model:
            raise TypeError(f"{self.name}: only {self.model.__name__} instances and values_list()")
        query = queryset.query
        if kind != "objects" and [
            *query.extra_select,
            *query.values_select,
            *query.annotation_select,
        ] != [
            *queryset._fields,
            *(f for f in query.annotation_select if f not in queryset._fields),
        ]:
            raise TypeError(f"{self.name}: values_list() must name its columns in SQL order")
        compiler = queryset.query.get_compiler(using=db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet as empty:
            raise TypeError(f"{self.name}: a slot is not an id (bigint) column") from empty
        slots = tuple(where.get(p) if type(p) is int else None for p in params)
        missing = set(where.values()) - {s for s in slots if s}
        inlined = [s for s in where if str(s) in sql]
        if missing or inlined:
            raise TypeError(
                f"{self.name}: values {sorted(missing)} are not SQL parameters, or some are "
                "written into its text (make them part of the shape)"
            )
        return _Compiled(sql, tuple(params), slots, compiler, kind)

    def _entry(self, db: str, shape: Sequence, values: dict[str, Any]) -> _Compiled:
        key = self._key(db, shape, values)
        entry = self._compiled.get(key)
        if entry is None:
            entry = self._compile(db, shape, values)
            with self._lock:
                self._compiled[key] = entry
                while len(self._compiled) > MAX_SHAPES:
                    self._compiled.popitem(last=False)
        return entry

    # -- running ---------------------------------------------------------------------

    def _run(self, shape: Sequence, values: dict[str, Any]) -> tuple[_Compiled, str, list]:
        # Resolved per call, as QuerySet.db does: a replica scope or an atomic block counts.
        db = router.db_for_read(self.model)
        entry = self._entry(db, shape, values)
        params = [
            p
            if slot is None
            else (values[slot[0]] if slot[1] is None else values[slot[0]][slot[1]])
            for p, slot in zip(entry.params, entry.slots, strict=True)
        ]
        if getattr(settings, "HAVEN_PREPARED_CHECK", False):
            real = self.build(*shape, **values).query.get_compiler(using=db).as_sql()
            if (real[0], list(real[1])) != (entry.sql, params):
                raise PreparedMismatch(f"{self.name} {tuple(shape)}: {real} != {entry.sql, params}")
        return entry, db, params

    def _fetch(self, entry: _Compiled, db: str, params: list) -> tuple[Any, list]:
        compiler = copy.copy(entry.compiler)
        compiler.connection = connections[db]
        with compiler.connection.cursor() as cursor:
            cursor.execute(entry.sql, params)
            rows = cursor.fetchall()
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        return compiler, list(compiler.results_iter([rows]))

    def objects(self, shape: Sequence = (), **values: Any) -> list:
        """The model instances the queryset would give for ``values``."""
        if not _in_range(values):
            return list(self.build(*shape, **values))
        entry, db, params = self._run(shape, values)
        if entry.kind != "objects":
            raise TypeError(f"{self.name}: a values_list() query; use rows()")
        compiler, rows = self._fetch(entry, db, params)
        klass_info, select = compiler.klass_info, compiler.select
        model_cls = klass_info["model"]
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [f[0].target.attname for f in select[start:end]]
        populators = get_related_populators(klass_info, select, db)
        annotations = compiler.annotation_col_map
        found = []
        for row in rows:
            obj = model_cls.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for attr, position in (annotations or {}).items():
                setattr(obj, attr, row[position])
            found.append(obj)
        return found

    def rows(self, shape: Sequence = (), **values: Any) -> list:
        """The rows of a ``values_list()`` queryset (plain values when ``flat=True``)."""
        if not _in_range(values):
            return list(self.build(*shape, **values))
        entry, db, params = self._run(shape, values)
        if entry.kind == "objects":
            raise TypeError(f"{self.name}: a model query; use objects()")
        _compiler, rows = self._fetch(entry, db, params)
        if entry.kind == "flat":
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]
