"""Learning, measured in production: does the quiz teach? (docs/metrics.md, "Learning")."""
