"""Tests of quizapp/jobs.py: cron jobs run once across processes."""
