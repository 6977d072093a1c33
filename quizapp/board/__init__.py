"""The console's home for company staff (/console/): who has done today's quiz by shift and team,
the chase lists and the pre-shift screen. rules.py is pure; service.py reads the records."""
