"""One BLAS thread for the course's small matrix products: ``one_blas_thread``.

numpy hands a large enough product to its BLAS (OpenBLAS), which splits it over every core and, between products,
keeps its extra threads busy-waiting for the next one. The course's products are small (a few hundred rows, at most
a few hundred columns): a second thread saves next to nothing, and its waiting takes a whole core from the browser,
the Jupyter server and the kernel, or from the other learners on a JupyterHub. Training (``utils.model.fit``) and
every widget refresh (``utils.widgets.engine.Explorer``) therefore compute on one thread. Measured:

- lesson 10's Run All (2 cores, nothing else running): the same 3.6-4.4 s wall time on one thread as on two, for
  4.2-5.0 instead of 6.0-7.3 CPU-seconds;
- one refresh of the init explorer on a busy 2-core machine: 370 -> 72 ms of CPU time, 765 -> 136 ms of wall time.
"""

from __future__ import annotations

_CONTROLLER = None
"""threadpoolctl's view of numpy's BLAS, made on first use (importing this module changes nothing)."""


def one_blas_thread():
    """A context in which numpy's BLAS computes on one thread; the setting before is restored after it (so a
    learner's own ``threadpool_limits`` outside it is kept). Where threadpoolctl sees no BLAS, it does nothing."""
    global _CONTROLLER
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")
