"""Retention (`quizapp retention`, cron, monthly): deleting answers, attempts, leavers and roster
previews older than the retention period (docs/privacy.md)."""
