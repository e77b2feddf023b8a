"""The one UI kit every page uses (DESIGN.md section 2): colours and theme (colours.py, theme.py),
text for times and statuses (formatting.py), form helpers (forms.py), labels and panels
(widgets.py) and shortcuts shown on buttons (shortcuts.py)."""
