"""Progress while applying: a rich bar per encode and one overall, with ETA, on a terminal;
and one line per finished file, printed in the order of the plan (copies finish first and
encodes last, but the list reads like the plan), so logs and CI stay readable."""

from __future__ import annotations

import threading
from typing import Any

from rich.console import Console
from rich.text import Text

from mediacheck.fix.apply import Outcome
from mediacheck.fix.plan import FileAction, Plan
from mediacheck.fix.show import line, outcome_reason
from mediacheck.i18n import t

STATUS_ICON = {"done": "✓", "kept": "✓", "failed": "✗", "cancelled": "…"}


def weight(action: FileAction) -> float:
    """Encodes count by their seconds of video, everything else as one second."""
    if action.action in ("transcode", "split") and action.duration > 0:
        return action.duration
    return 1.0


class FixProgress:
    """Implements apply.ProgressSink."""

    def __init__(self, console: Console, plan: Plan, lang: str, *, live: bool) -> None:
        self.console, self.lang = console, lang
        self.lock = threading.Lock()
        self.bar: Any = None
        self.tasks: dict[int, Any] = {}
        self.done: dict[int, float] = {}
        self.order = [id(a) for a in plan.actions if a.outputs]
        self.finished: dict[int, tuple[FileAction, Outcome]] = {}
        if live:
            self._start_bar(sum(weight(a) for a in plan.actions if a.outputs))

    def _start_bar(self, total: float) -> None:
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

        self.bar = Progress("[progress.description]{task.description}", BarColumn(),
                            TaskProgressColumn(), TimeRemainingColumn(), console=self.console,
                            transient=True)
        self.bar.start()
        self.overall = self.bar.add_task(t("progress_overall", self.lang), total=total)

    def begin(self, action: FileAction, total: float) -> None:
        with self.lock:
            self.done[id(action)] = 0.0
            if self.bar is not None and action.action in ("transcode", "split"):
                self.tasks[id(action)] = self.bar.add_task(
                    Text(action.source).plain[:40], total=max(total, 0.001))

    def update(self, action: FileAction, done: float) -> None:
        with self.lock:
            if self.bar is None:
                return
            done = min(done, weight(action))
            step = done - self.done.get(id(action), 0.0)
            self.done[id(action)] = done
            if id(action) in self.tasks:
                self.bar.update(self.tasks[id(action)], completed=done)
            self.bar.advance(self.overall, max(step, 0.0))

    def end(self, action: FileAction, outcome: Outcome) -> None:
        with self.lock:
            if self.bar is not None:
                self.bar.advance(self.overall, weight(action) - self.done.get(id(action), 0.0))
                if id(action) in self.tasks:
                    self.bar.remove_task(self.tasks.pop(id(action)))
            self.finished[id(action)] = (action, outcome)
            while self.order and self.order[0] in self.finished:
                self._print(*self.finished.pop(self.order.pop(0)))

    def _print(self, action: FileAction, outcome: Outcome) -> None:
        if outcome.status == "cancelled":
            return
        icon = STATUS_ICON.get(outcome.status, "?")
        text = t(f"status_{outcome.status}", self.lang, file=action.source,
                 outputs=", ".join(outcome.outputs), detail=outcome_reason(outcome, self.lang))
        line(self.console, Text(f"{icon} {text}",
                                style="red" if outcome.status == "failed" else ""), 2, 2)

    def stop(self) -> None:
        """The bar goes; what finished out of order (after an interruption) is still said."""
        if self.bar is not None:
            self.bar.stop()
        for key in self.order:
            if key in self.finished:
                self._print(*self.finished.pop(key))
        self.order = []
