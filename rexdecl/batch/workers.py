"""The worker processes of a batch: a pool that runs jobs in parallel (or in this process with
one job), yields each outcome as it comes, survives a crashed worker, and stops cleanly when
asked (Ctrl-C, SIGTERM) or at once (a second Ctrl-C)."""

from __future__ import annotations

import logging
import multiprocessing
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from rexdecl.batch.shipment import prepare_renderer
from rexdecl.i18n import _, current_language, set_language

__all__ = ["WorkerCrashed", "Workers", "describe_failure", "init_worker"]

log = logging.getLogger("rexdecl")


class WorkerCrashed(Exception):
    """The worker process running a job died (a crash in a system library, out of memory)."""


def describe_failure(error: BaseException) -> str:
    """What went wrong with a job whose outcome is an exception (a crashed worker, or a bug
    outside the work on the shipment)."""
    if isinstance(error, WorkerCrashed):
        return _(
            "the worker process died while processing this shipment (a crash in a system library, or out of memory)"
        )
    return f"{type(error).__name__}: {error}"


def init_worker(language: str) -> None:
    """Pool initializer: messages in the parent's language, signals, one Renderer."""
    set_language(language)
    # The parent decides when to stop: Ctrl-C reaches the whole process group, and so does
    # a SIGTERM sent to the group (a service manager stopping the batch). A worker finishes
    # its shipment, so that it is written and recorded whole; to stop at once, the parent
    # kills the workers and removes their temporary files (Workers.terminate).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    prepare_renderer()


def _mp_context() -> Any:
    # spawn everywhere: the default of Windows and macOS, where brokers work, so the behaviour
    # tested is the behaviour shipped; and no fork of a process that may hold threads, an open
    # register or (in a long-lived caller) an initialised Pango. It costs each worker one
    # import of rexdecl (~0.5 s), paid in parallel, once per run.
    return multiprocessing.get_context("spawn")


class Workers:
    """Runs jobs in worker processes (or in this process with one job), yields each outcome
    as it comes, survives a crashed worker, and stops cleanly when asked."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self, workers: int | None = None) -> ProcessPoolExecutor:
        if workers is not None:
            return ProcessPoolExecutor(
                workers,
                mp_context=_mp_context(),
                initializer=init_worker,
                initargs=(current_language(),),
            )
        if self._executor is None:
            self._executor = self._pool(self.jobs)
        return self._executor

    def run(self, fn: Callable[[Any], Any], jobs: Sequence[Any], stop: Callable[[], bool]) -> Iterator[tuple[int, Any]]:
        """``(index, outcome)`` in completion order; an exception is yielded as the outcome.
        When ``stop()`` turns true, jobs not started are dropped and the running ones finish."""
        if self.jobs <= 1:
            for index, job in enumerate(jobs):
                if stop():
                    return
                try:
                    yield index, fn(job)
                except Exception as error:  # noqa: BLE001 - every outcome is a value
                    yield index, error
            return
        yield from self._rounds(fn, list(enumerate(jobs)), stop, attempt=0)

    def _rounds(
        self,
        fn: Callable[[Any], Any],
        jobs: list[tuple[int, Any]],
        stop: Callable[[], bool],
        attempt: int,
    ) -> Iterator[tuple[int, Any]]:
        if attempt >= 2:  # crashed twice: run each alone, so a crash is pinned on its shipment
            for index, job in jobs:
                if stop():
                    return
                # Kept as the pool of the moment, so that terminate() can kill it.
                self._executor = executor = self._pool(1)
                outcome: Any
                try:
                    outcome = executor.submit(fn, job).result()
                except BrokenProcessPool:
                    outcome = WorkerCrashed()
                except Exception as error:  # noqa: BLE001
                    outcome = error
                self._discard()
                yield index, outcome
            return
        executor = self._pool()
        futures: dict[Future[Any], tuple[int, Any]] = {executor.submit(fn, job): (index, job) for index, job in jobs}
        broken: list[tuple[int, Any]] = []
        stopping = False
        while futures:
            if not stopping and stop():
                stopping = True
                for future in list(futures):
                    if future.cancel():
                        del futures[future]
                if not futures:
                    break
            done, _pending = wait(futures, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                index, job = futures.pop(future)
                if future.cancelled():
                    continue
                failure = future.exception()
                if isinstance(failure, BrokenProcessPool):
                    broken.append((index, job))
                elif failure is not None:
                    yield index, failure
                else:
                    yield index, future.result()
        if broken and stopping:  # not run again when stopping: each is reported as crashed
            for index, _job in sorted(broken, key=lambda pair: pair[0]):
                yield index, WorkerCrashed()
        elif broken:
            log.warning("a worker process died; running %d shipment(s) again", len(broken))
            self._discard()
            yield from self._rounds(fn, sorted(broken, key=lambda pair: pair[0]), stop, attempt + 1)

    def _discard(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def close(self) -> None:
        self._discard()

    def terminate(self) -> None:
        """Stop now (a second Ctrl-C): the workers are killed (they ignore SIGTERM, which
        asks the batch to stop gracefully) and waited for; the caller removes the temporary
        files they leave. What they had written but not reported stays claimed in the register."""
        if self._executor is None:
            return
        processes = list((getattr(self._executor, "_processes", None) or {}).values())
        for process in processes:
            if process.is_alive():
                process.kill()
        for process in processes:
            process.join(timeout=10)
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = None
