"""Child processes that end with their parent: build workers, the query child of `sgkg query`, the
workers of `sgkg serve`. A parent killed with SIGKILL gets no chance to stop them, so each child asks
the kernel to kill it when its parent dies (Linux prctl PR_SET_PDEATHSIG); elsewhere a thread watches
the parent."""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def die_with_parent(parent: int) -> None:
    """Call first thing in a child whose parent has the pid `parent`. (The kernel's signal follows the
    thread that started the child: start children from threads that live as long as the parent.)"""
    prctl = _prctl()
    if prctl is not None and prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0:
        if os.getppid() != parent:  # the parent died before the line above ran
            os._exit(1)
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def pdeathsig_hook():
    """A `preexec_fn` for subprocess.Popen that makes the program die with this process (Linux), or
    None. The C function is looked up here, before the fork: the hook itself only calls it."""
    prctl = _prctl()
    if prctl is None:
        return None
    return lambda: prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
