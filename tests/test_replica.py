"""The optional read replica: only reads in an explicit replica_reads() scope go there."""

import asyncio
import copy
import subprocess
import threading
from pathlib import Path

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from groups.models import SupportGroup
from supportforum.db_routers import ReplicaRouter, in_replica_scope, replica_reads
from tests.test_settings import _run

from .factories import GroupFactory

ROOT = Path(__file__).resolve().parents[1]
ROUTERS = ["supportforum.db_routers.ReplicaRouter"]

pytestmark = pytest.mark.embedded


@pytest.fixture(scope="module")
def replica_alias(django_db_setup):
    """A "replica" alias on the primary's test database, as ``TEST: {"MIRROR": "default"}``
    gives a deployment's test run. Module-scoped so that it exists before pytest-django
    checks which aliases a ``django_db(databases=...)`` test may use. A run with
    DATABASE_REPLICA_URL set already has the alias, mirrored by the test runner."""
    configured = "replica" in connections.settings
    if not configured:
        conf = copy.deepcopy(connections["default"].settings_dict)
        conf["TEST"] = {"MIRROR": "default"}
        connections.settings["replica"] = conf
    yield
    # Close the replica's pool, so the test database can be dropped at the end of the run.
    if hasattr(connections._connections, "replica"):
        conn = connections["replica"]
        conn.close()
        if hasattr(conn, "close_pool"):
            conn.close_pool()
        del connections["replica"]
    if not configured:
        del connections.settings["replica"]


@pytest.fixture
def replica(replica_alias):
    """The replica alias with the router switched on."""
    with override_settings(DATABASE_ROUTERS=ROUTERS):
        yield connections["replica"]


def test_replica_reads_route_querysets_to_the_replica_only_inside_the_scope(replica) -> None:
    assert SupportGroup.objects.filter(slug="x").db == "default"
    assert router.db_for_read(SupportGroup) == "default"
    with replica_reads():
        assert SupportGroup.objects.filter(slug="x").db == "replica"
        assert router.db_for_read(SupportGroup) == "replica"
        assert router.db_for_write(SupportGroup) == "default"
    assert SupportGroup.objects.filter(slug="x").db == "default"


def test_replica_reads_decorator_scopes_each_call(replica) -> None:
    @replica_reads()
    def directory_listing() -> str:
        return SupportGroup.objects.all().db

    assert directory_listing() == "replica"
    assert directory_listing() == "replica"
    assert not in_replica_scope()
    assert SupportGroup.objects.all().db == "default"


def test_replica_reads_nested_scopes_unwind(replica) -> None:
    with replica_reads():
        with replica_reads():
            assert in_replica_scope()
        assert in_replica_scope()
    assert not in_replica_scope()


def test_replica_scope_does_not_leak_into_other_threads(replica) -> None:
    seen: list[bool] = []
    with replica_reads():
        worker = threading.Thread(target=lambda: seen.append(in_replica_scope()))
        worker.start()
        worker.join()
    assert seen == [False]


def test_replica_scope_is_per_asyncio_task() -> None:
    @replica_reads()
    async def read_only() -> bool:
        await asyncio.sleep(0)
        return in_replica_scope()

    async def plain() -> bool:
        await asyncio.sleep(0)
        return in_replica_scope()

    async def both() -> list[bool]:
        return list(await asyncio.gather(read_only(), plain()))

    assert asyncio.run(both()) == [True, False]


def test_router_without_replica_alias_expresses_no_preference(monkeypatch) -> None:
    monkeypatch.delitem(connections.settings, "replica", raising=False)
    with replica_reads():
        assert ReplicaRouter().db_for_read(SupportGroup) is None
        with override_settings(DATABASE_ROUTERS=ROUTERS):
            assert SupportGroup.objects.all().db == "default"


def test_router_migrations_and_relations() -> None:
    r = ReplicaRouter()
    assert r.allow_migrate("default", "groups") is True
    assert r.allow_migrate("replica", "groups") is False
    a, b = SupportGroup(), SupportGroup()
    a._state.db, b._state.db = "default", "replica"
    assert r.allow_relation(a, b) is True
    assert r.db_for_write(SupportGroup) == "default"


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_read_inside_atomic_block_stays_on_primary(replica) -> None:
    with replica_reads():
        with transaction.atomic():
            assert SupportGroup.objects.all().db == "default"
        assert SupportGroup.objects.all().db == "replica"


# Committed rows (transaction=True), so the replica's own connection can read them.
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_replica_reads_run_on_the_replica_connection_and_writes_on_primary(replica) -> None:
    made = GroupFactory(slug="grief-circle")
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        with replica_reads():
            found = list(SupportGroup.objects.filter(slug="grief-circle"))
            read_from = found[0]._state.db
            found[0].description = "Changed while reading from the replica."
            found[0].save(update_fields=["description"])
        outside = SupportGroup.objects.get(pk=made.pk)
    assert [g.pk for g in found] == [made.pk]
    assert read_from == "replica"
    assert found[0]._state.db == "default"
    assert len(on_replica.captured_queries) == 1
    assert "grief-circle" in on_replica.captured_queries[0]["sql"]
    # The save went to the primary (and its read-back outside the scope too).
    assert any("UPDATE" in q["sql"] for q in on_primary.captured_queries)
    assert not any("UPDATE" in q["sql"] for q in on_replica.captured_queries)
    assert outside._state.db == "default"
    assert outside.description == "Changed while reading from the replica."


def _settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','supportforum.settings');"
        "from django.conf import settings as s;"
        "r = s.DATABASES.get('replica');"
        "print(sorted(s.DATABASES), s.DATABASE_ROUTERS);"
        "print(r and (r['HOST'], r['NAME'], r['TEST'], r['OPTIONS']['pool']['max_size']))"
    )
    return _run(code, env)


def test_settings_replica_url_adds_alias_and_router() -> None:
    result = _settings(
        {
            "DATABASE_URL": "postgres://u@primary:5432/haven",
            "DATABASE_REPLICA_URL": "postgres://u@standby:5432/haven",
            "DB_POOL_MAX": "7",
        }
    )
    assert result.returncode == 0, result.stderr
    aliases, replica = result.stdout.splitlines()
    assert aliases == "['default', 'replica'] ['supportforum.db_routers.ReplicaRouter']"
    assert replica == "('standby', 'haven', {'MIRROR': 'default'}, 7)"


def test_settings_without_replica_url_have_no_alias_and_no_router() -> None:
    result = _settings({"DATABASE_URL": "postgres://u@primary:5432/haven"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["['default'] []", "None"]
