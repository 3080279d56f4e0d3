"""The web process settles once loaded (supportforum.settle): every view imported, and
what is loaded kept out of the garbage collector's full collections."""

import gc
import os
import subprocess
import sys
from pathlib import Path

from supportforum.settle import settle


def test_settle_imports_the_views_and_freezes_what_is_loaded() -> None:
    try:
        frozen = settle()
        assert frozen > 10_000 and gc.get_freeze_count() > 10_000
        assert "groups.views.threads" in sys.modules
        # A full collection now walks only what was made since: far fewer objects.
        assert len(gc.get_objects()) < frozen / 2
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0


def test_the_asgi_application_settles_when_loaded() -> None:
    probe = "import gc, supportforum.asgi; print(gc.get_freeze_count())"
    env = {k: v for k, v in os.environ.items() if k != "HAVEN_EMBEDDED_BEAT"}
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip().splitlines()[-1]) > 10_000
