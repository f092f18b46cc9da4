"""The one error type of the tooling: which step failed, why, and how to fix it."""

from __future__ import annotations


class StepError(Exception):
    """A tool step failed in a way the user can act on; printed without a traceback."""

    def __init__(self, step: str, problem: str, fix: str) -> None:
        super().__init__(f"{step}: {problem}")
        self.step = step
        self.problem = problem
        self.fix = fix

    def render(self) -> str:
        return f"ERROR [{self.step}] {self.problem}\n  To fix: {self.fix}"
