"""The audit log: what staff, officers and API tokens did. service.py writes it (any feature may call
record()); log.py reads it back for the town admin's page (/admin/audit) and CSV; rules.py holds the
pure rules (labels, day bounds)."""
