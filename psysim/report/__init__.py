"""Self-contained HTML reports."""

from psysim.report.html import Report, figure_to_base64

__all__ = ["Report", "figure_to_base64"]
