"""Reminders before each shift (`quizapp remind`, cron): each team's not-done count to the company's
WeChat Work group. rules.py decides who is due; service.py sends through deliveries."""
