"""Report formats by name: one module per format behind reports/interface.py."""

from __future__ import annotations

from portcheck.reports.compact import Compact
from portcheck.reports.features import Features
from portcheck.reports.findings import Findings
from portcheck.reports.html import Html
from portcheck.reports.interface import ReportFormat
from portcheck.reports.json import Json
from portcheck.reports.junit import Junit
from portcheck.reports.markdown import Markdown
from portcheck.reports.summary import Summary
from portcheck.reports.table import Table

FORMATS: dict[str, type[ReportFormat]] = {
    format_.name: format_
    for format_ in (Table, Json, Compact, Features, Findings, Markdown, Summary, Junit, Html)
}
