"""Reports: HTML pages with Plotly charts that open offline.

* :mod:`~gigafactory.report.page`: the one page shell and chart helpers, shared with the
  web app;
* :mod:`~gigafactory.report.run`: a run's report and :func:`write_results`;
* :mod:`~gigafactory.report.studies`: compare, orbit, placement and sweep pages;
* :mod:`~gigafactory.report.roadmap`: a build-out roadmap's page;
* :mod:`~gigafactory.report.finance`: a campus's cash flow and the compute deals.
"""

from gigafactory.report.finance import (
    cash_flow_html,
    deals_body_html,
    deals_html,
    write_cash_flow_report,
    write_deals_report,
)
from gigafactory.report.firm import FIRM_STYLE, firm_html, marginals_html, notices_html
from gigafactory.report.page import COLOURS, charts_html, page_html, rows_html
from gigafactory.report.roadmap import roadmap_body_html, roadmap_html, write_roadmap_report
from gigafactory.report.run import (
    figures,
    report_body_html,
    report_html,
    write_report,
    write_results,
)
from gigafactory.report.runs import compare_runs_html, dispatch_side_by_side_html
from gigafactory.report.studies import (
    compare_html,
    orbit_html,
    placement_html,
    sweep_body_html,
    sweep_html,
)

__all__ = [
    "COLOURS",
    "FIRM_STYLE",
    "cash_flow_html",
    "charts_html",
    "compare_html",
    "compare_runs_html",
    "deals_body_html",
    "deals_html",
    "dispatch_side_by_side_html",
    "figures",
    "firm_html",
    "marginals_html",
    "notices_html",
    "orbit_html",
    "page_html",
    "placement_html",
    "report_body_html",
    "report_html",
    "roadmap_body_html",
    "roadmap_html",
    "rows_html",
    "sweep_body_html",
    "sweep_html",
    "write_cash_flow_report",
    "write_deals_report",
    "write_report",
    "write_results",
    "write_roadmap_report",
]
