"""Send the CPU-bound probe stages (pixels, motion, previews) to a Dask cluster.

Dask's distributed scheduler is the existing engine for this shape of work: many independent
Python tasks over files on a shared drive, gathered by one client. Its client speaks
`concurrent.futures`, so the pipeline treats the cluster as one more executor: scanning, header
reading, the cache, the checks and the reports stay on this machine, and only `run_stages(ref,
meta, names)` travels, with a path (never the bytes) that each worker opens on the shared drive.

`distributed` is an extra (`pip install "mediacheck[cluster]"`): without it, or when the
scheduler cannot be reached, `connect` raises `ClusterUnavailable` with a reason the command
line says in the user's language, and the run goes on locally.
"""

from __future__ import annotations

import contextlib
import logging
import time
from concurrent.futures import Executor, Future
from typing import Any

CONNECT_TIMEOUT_S = 10.0
LOST_AFTER_S = 5.0
# distributed logs every lost worker and reconnection attempt; the run reports what matters.
NOISY_LOGGERS = ("distributed", "tornado", "asyncio")


class ClusterUnavailable(Exception):
    """No cluster to send work to; `reason` is a catalog suffix (`cluster_<reason>`)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class ClusterExecutor(Executor):
    """A Dask client as a `concurrent.futures` executor; `close()` leaves the cluster running."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._executor = client.get_executor(pure=False)
        self._down_since: float | None = None

    def lost(self) -> bool:
        """The client has not been connected to its scheduler for `LOST_AFTER_S`: a scheduler
        that went away, not a reconnection after a blip."""
        if getattr(self.client, "status", "running") == "running":
            self._down_since = None
            return False
        now = time.monotonic()
        if self._down_since is None:
            self._down_since = now
        return now - self._down_since >= LOST_AFTER_S

    def trimming_workers(self) -> int:
        """How many workers run with Dask's default `MALLOC_TRIM_THRESHOLD_` (its nanny sets it),
        which makes every large allocation of the video pass a fresh mmap (bench/bench_cluster.py:
        1.52x the local run with it, 1.115x without). 0 when it cannot be asked."""
        try:
            found = self.client.run(_trim_setting, on_error="ignore")
        except Exception:  # noqa: BLE001 - only advice; never a reason to stop
            return 0
        return sum(1 for value in found.values() if isinstance(value, str) and value)

    @property
    def address(self) -> str:
        return str(self.client.scheduler.address)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        return self._executor.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        # A scheduler already gone has nothing left to close.
        with contextlib.suppress(Exception):
            self.client.close(timeout=2)


def _trim_setting() -> str | None:
    """Run on each worker: its malloc trim setting, if its environment has one."""
    import os

    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def connect(address: str, timeout: float | None = None) -> ClusterExecutor:
    """A client of the scheduler at `address` (``tcp://host:8786``)."""
    timeout = timeout or CONNECT_TIMEOUT_S
    try:
        from distributed import Client
    except ImportError as exc:
        raise ClusterUnavailable("missing-extra", str(exc)) from exc
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, a bad address ...
        raise ClusterUnavailable("unreachable", f"{address}: {exc}"[:300]) from exc
    return ClusterExecutor(client)


def is_killed_task(exc: BaseException) -> bool:
    """The scheduler gave up on a task that kept killing its workers (a hostile file)."""
    return type(exc).__name__ == "KilledWorker"


def parse_path_map(items: list[str] | tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """`CLIENT=WORKER` pairs, longest client prefix first so the most specific one wins."""
    pairs = []
    for item in items:
        client, sep, worker = item.partition("=")
        if not sep or not client or not worker:
            raise ValueError(item)
        pairs.append((client, worker))
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))
