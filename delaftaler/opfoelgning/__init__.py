"""The yearly follow-up end to end: its workflow (``services``), the entry grid's forms,
the Excel template, import and export (``excel``), the report with its PDF and charts
(``rapport``), views, urls and the demo data. Never imports ``publicering``."""
