"""The Reports page and the report PDF (issue 5). ``write_report_pdf`` works without any window."""
