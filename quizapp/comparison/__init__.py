"""Compare companies (/reports/compare), for grid officers and the town admin: participation and
knowledge this week against the previous four, aggregates only."""
