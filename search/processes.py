"""A worker process -> one that cannot outlive the run that started it.

Input: none. Output: `die_with_parent()`, to call first thing in a forked worker (a Pool
initializer, a Process's run): when the parent is killed, even with kill -9, the kernel ends
the worker instead of leaving it blocked on a pipe, holding memory and the index's lock.
"""

import ctypes
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """End this process when its parent ends (Linux; elsewhere a no-op). Ctrl-C is left to
    the parent, which stops its workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
