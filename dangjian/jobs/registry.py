"""Kinds of background job: what runs, under which name, and how the page shows its result.

    @job_kind("trail.verify", label="留痕校验", retry=True, result_template="trail/_r.html")
    def verify_everything(job, progress: Progress) -> dict: ...

A kind is registered from its app's `jobs.py`, imported by the AppConfig's ready(). The body
gets the `Job` (its `params` dict, `save_output(name, data)`) and a `Progress`; it returns a
JSON-able dict kept on `job.result`, or raises `JobFailed("中文原因")`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from dangjian.jobs.models import Job


class JobFailed(Exception):
    """The job cannot do what was asked; the message (Chinese) is shown to its owner."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Progress(Protocol):
    def update(self, *, stage: str | None = None, done: int | None = None,
               total: int | None = None) -> None:
        """Tell the owner's page where the job is; written at most twice a second."""


JobBody = Callable[["Job", Progress], dict[str, Any] | None]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    body: JobBody
    #: Safe to run again after a crash or an unexpected error (its writes are all-or-nothing).
    retry: bool = False
    #: Runs of one job at most (first run and retries).
    max_attempts: int = 3
    #: Template shown on the job page when done; gets `job` and `result`.
    result_template: str | None = None
    #: The runner wraps the body and the job's completion in one transaction: the job's writes
    #: and its "已完成" commit together (on SQLite, progress is then not shown until the end).
    atomic: bool = False
    #: Submitted once a day by the worker's scheduler (owner: none; key: the date).
    daily: bool = False


_KINDS: dict[str, Kind] = {}


def job_kind(name: str, *, label: str, retry: bool = False, max_attempts: int = 3,
             result_template: str | None = None, atomic: bool = False,
             daily: bool = False) -> Callable[[JobBody], JobBody]:
    def register(body: JobBody) -> JobBody:
        _KINDS[name] = Kind(name, label, body, retry, max_attempts, result_template, atomic,
                            daily)
        return body

    return register


def get_kind(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r} is registered") from None


def find_kind(name: str) -> Kind | None:
    return _KINDS.get(name)


def daily_kinds() -> list[Kind]:
    return [k for k in _KINDS.values() if k.daily]
