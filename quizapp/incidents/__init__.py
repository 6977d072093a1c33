"""Fraud incidents (/reports/incidents), for grid officers and the town admin: the list with
year-on-year change, entry and edit, CSV import with preview, export. rules.py is pure."""
