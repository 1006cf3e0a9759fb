"""The JSON report: the contract users' CI reads (see the README)."""

from __future__ import annotations

import json

from portcheck import __version__
from portcheck.model.report import Report
from portcheck.reports.interface import ReportFormat


class Json(ReportFormat):
    name = "json"
    suffix = "json"

    def render(self, report: Report) -> str:
        data = {"portcheck": __version__, **report.to_json()}
        return json.dumps(data, indent=2) + "\n"
