"""Retention (`quizapp retention`, cron, daily): deleting answers, attempts, leavers, kept imports and
workers' reports older than the retention period, and emptying the rows of imports that can no
longer be applied (docs/privacy.md)."""
