"""The supervision list (督办清单, /reports/supervision), for grid officers and the town admin: the
town's rules flag lagging companies (`quizapp supervise`), officers add follow-ups and close cases.
rules.py holds the rules (docs/supervision.md)."""
