"""Haven's ASGI application with one fault the reliability suite can arm: a web worker
dies (SIGKILL, as the OOM killer would) right after a transaction commits and before its
on-commit callbacks run, i.e. between saving a post and dispatching what follows it.

Armed by a file in ``HAVEN_FAULT_DIR``, removed by the worker that meets it (so each
arming kills exactly one process once): ``crash-after-crisis-commit`` fires on the
commit of a post whose crisis alert is to be dispatched, ``crash-after-commit`` on the
commit of any published post. Only this suite serves this module; production serves
``supportforum.asgi``."""

import os
import signal

from django.db.backends.base.base import BaseDatabaseWrapper

from supportforum.asgi import application  # noqa: F401 (what uvicorn serves)

FAULT_DIR = os.environ.get("HAVEN_FAULT_DIR", "")
# Which on-commit callbacks (by the function that registered them) each fault waits for.
FAULTS = {
    "crash-after-crisis-commit": "_dispatch_on_commit",
    "crash-after-commit": "_fan_out_on_commit",
}
_run_commit_hooks = BaseDatabaseWrapper.run_and_clear_commit_hooks


def _fires(hooks: list) -> bool:
    registered = " ".join(getattr(func, "__qualname__", "") for _, func, _ in hooks)
    for fault, marker in FAULTS.items():
        if marker in registered:
            try:
                os.remove(os.path.join(FAULT_DIR, fault))  # one process wins
            except FileNotFoundError:
                continue
            return True
    return False


def run_and_clear_commit_hooks(self) -> None:
    if FAULT_DIR and self.run_on_commit and _fires(self.run_on_commit):
        os.kill(os.getpid(), signal.SIGKILL)
    _run_commit_hooks(self)


BaseDatabaseWrapper.run_and_clear_commit_hooks = run_and_clear_commit_hooks
