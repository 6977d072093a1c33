"""Weekly and monthly reports (/reports/periodic), for grid officers and the town admin: a printable
page and an XLSX workbook. rules.py holds the period arithmetic and the figures' wording."""
