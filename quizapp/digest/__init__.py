"""The daily digest (`quizapp digest`, cron): each officer's numbers for their grids by WeChat Work
robot or e-mail. rules.py words the figures; service.py gathers and sends; views.py is the
officers' preview and settings page (/reports/digest)."""
