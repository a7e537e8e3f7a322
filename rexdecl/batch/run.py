"""A batch run (:func:`run_batch`): many shipment workbooks at once, in parallel worker
processes, with a summary (``summary.csv``, ``summary.json``) and the register of issued
statements.

How a run goes (workbook-format.md, "Outputs of rexdecl batch"):

1. discover the workbooks (folders recursively, ``.xlsx`` only, Excel lock files ``~$*``
   skipped, sorted) and name each one's output folder ``OUT/<name>/`` (:mod:`~rexdecl.batch.discovery`);
2. survey: read and check each workbook once for its consignment (``consignment_ref``), its
   exporter and its originating value in the threshold currency; invoices of one exporter
   sharing a ``consignment_ref`` are one consignment for the EUR 6,000 threshold
   (:func:`~rexdecl.batch.shipment.survey_workbook`, in the workers);
3. plan, against the register: a shipment whose outputs exist unchanged and whose input hash
   (:func:`rexdecl.register.hashes.input_hash`) matches the register's record is ``skipped``; an
   existing output file that batch did not write (or that was changed since) is never
   replaced: the shipment reports batch:output-exists; the paths about to be written are claimed
   (:mod:`~rexdecl.batch.planning`);
4. process each shipment independently in a worker (check, render, write atomically;
   :func:`~rexdecl.batch.shipment.process_shipment`, :mod:`~rexdecl.batch.workers`), and
   record each statement in the register as its result comes back (one transaction each);
   when the record fails, the files the worker created are removed again
   (:mod:`~rexdecl.batch.recording`);
5. write the summary (:mod:`~rexdecl.batch.summary`).

One bad workbook never stops or spoils the others: each outcome is a value, and every
workbook is a row of the summary, whatever happened to it (a file name that is not UTF-8, a
named pipe, a bug). Before any work, the register is opened and checked and the summary
files are checked to be batch's own (a ``summary.csv`` the user made is replaced only with
``--force``). The library never prints; it reports through the ``progress`` callback and
returns a :class:`BatchResult`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from rexdecl.batch.discovery import discover, register_file_names
from rexdecl.batch.planning import Planned, consignment_others, plan_shipments
from rexdecl.batch.recording import conclude
from rexdecl.batch.results import ERRORS, UNREADABLE, BatchOptions, BatchResult, Progress, ShipmentResult
from rexdecl.batch.shipment import Outcome, Survey, SurveyJob, process_shipment, remove_stale_parts, survey_workbook
from rexdecl.batch.summary import check_summaries, write_summary
from rexdecl.batch.workers import Workers, describe_failure
from rexdecl.paths import stat_or_none

__all__ = ["run_batch"]


def _never() -> bool:
    return False


def run_batch(
    paths: Sequence[Path],
    options: BatchOptions,
    progress: Callable[[Progress], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> BatchResult:
    """Process every workbook under ``paths`` into ``options.out_dir``; see the module docstring.

    ``stop`` is polled: when it returns true, no further shipment is started, the running ones
    finish and are recorded, and the result comes back with ``interrupted`` set (no summary is
    written). Raises UsageError (bad paths, output folder, a summary file that is not batch's,
    a register that is not usable), OutputError (a register that cannot be written),
    UnreadableInput (the registration file named with --registration) and
    RenderingUnavailable (no PDF libraries); otherwise every workbook is a row of the summary.

    Workers are started with ``spawn`` on every platform: a script calling this with more than
    one job must guard its entry point with ``if __name__ == "__main__":``.
    """
    from rexdecl.output import prepare_folder
    from rexdecl.register.store import DEFAULT_NAME, Register

    stop = stop or _never
    report = progress or (lambda _progress: None)
    register_path = Path(options.register_path) if options.register_path else Path(options.out_dir) / DEFAULT_NAME
    out_dir = Path(options.out_dir)
    # Everything that can refuse the run is asked before anything is created.
    out_exists = stat_or_none(out_dir) is not None
    stat_or_none(register_path)
    workbooks = discover(paths, reserved=register_file_names(register_path, out_dir))
    if out_exists:
        prepare_folder(out_dir)  # an existing folder: checked, nothing created
        check_summaries(out_dir, options.force)
    registrations = None
    if options.registration_file is not None:
        from rexdecl.input.registration import read_registration_file

        registrations = read_registration_file(options.registration_file)
    total = len(workbooks)
    jobs = max(1, min(options.jobs or os.cpu_count() or 1, total))
    run_id = uuid.uuid4().hex
    results: dict[int, ShipmentResult] = {}
    failures = 0

    def finish(index: int, result: ShipmentResult) -> None:
        nonlocal failures
        results[index] = result
        if result.status in (ERRORS, UNREADABLE):
            failures += 1
        report(Progress("processing", len(results), total, failures, result))

    def interrupted(cut_short: int = 0) -> BatchResult:
        done = tuple(results[i] for i in sorted(results))
        return BatchResult(done, out_dir, register_path, interrupted=True, total=total, cut_short=cut_short)

    # Opened and checked (ours, schema, pages, writable) before any workbook is read.
    with Register(register_path) as register:
        prepare_folder(out_dir)
        workers = Workers(jobs)
        pending: dict[int, Planned] = {}
        try:
            readable = [index for index, w in enumerate(workbooks) if w.kind is None]
            survey_jobs = [
                SurveyJob(
                    workbooks[index].path,
                    options.registration_file,
                    registrations,
                    options.as_of,
                    options.statement_language,
                    options.no_statement,
                    options.traceback,
                )
                for index in readable
            ]
            surveys: dict[int, Survey] = {}
            for position, survey in workers.run(survey_workbook, survey_jobs, stop):
                if isinstance(survey, SystemExit | KeyboardInterrupt):
                    return interrupted()
                if isinstance(survey, BaseException):
                    survey = Survey(internal=describe_failure(survey))
                surveys[readable[position]] = survey
                report(Progress("reading", len(surveys), total, 0))
            if len(surveys) < len(readable):
                return interrupted()
            others = consignment_others(surveys)
            planned = plan_shipments(
                workbooks, surveys, others, options, registrations, out_dir, register, run_id, finish
            )
            pending = {p.index: p for p in planned}
            cut_short: set[int] = set()
            for position, outcome in workers.run(process_shipment, [p.job for p in planned], stop):
                plan = planned[position]
                if isinstance(outcome, Outcome) and outcome.fatal is not None:
                    raise outcome.fatal
                if isinstance(outcome, SystemExit | KeyboardInterrupt):
                    cut_short.add(plan.index)  # stopped under it: neither done nor failed
                    continue
                del pending[plan.index]
                finish(plan.index, conclude(plan, outcome, register, out_dir, run_id, options.traceback))
            if pending:  # stopped: what was never started gives its claims back
                never_started = [plan for index, plan in pending.items() if index not in cut_short]
                register.release([path for plan in never_started for path in plan.claimed])
                return interrupted(len(cut_short))
        except BaseException:
            workers.terminate()
            for plan in pending.values():  # killed while writing: their temporary files go
                remove_stale_parts(plan.folder)
            raise
        finally:
            workers.close()
    result = BatchResult(tuple(results[i] for i in range(total)), out_dir, register_path, total=total)
    write_summary(result)
    return result
