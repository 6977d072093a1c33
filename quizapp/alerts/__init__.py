"""本周警情: alerts officers draft, the town admin publishes and workers meet in their quiz
(docs/metrics.md, docs/selection.md)."""
