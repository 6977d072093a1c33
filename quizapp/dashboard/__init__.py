"""The grid dashboard (/reports/), for grid officers and the town admin: each visible company's
figures from the daily rollups, aggregates only. service.py is also read by the town view, the
periodic reports and the API."""
