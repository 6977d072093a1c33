"""The outreach ledger: activities (五进五宣, stalls, pre-shift talks) recorded by grid officers and
company staff, their totals on every surface, import and export (docs/outreach.md)."""
