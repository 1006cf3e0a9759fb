"""The one small interface every report format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod

from portcheck.model.report import Report


class ReportFormat(ABC):
    name: str
    suffix: str  # file extension used with --output-dir

    @abstractmethod
    def render(self, report: Report) -> str:
        """The whole report as text."""
