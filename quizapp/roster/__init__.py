"""The roster (/console/roster), for company staff: workers by hand, CSV/XLSX import with a preview
and all-or-none apply, PIN resets. rules.py holds the file rules; service.py the use cases."""
