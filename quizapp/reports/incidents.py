"""Reports: incidents. (Routes are added on quizapp.reports.views.bp.)"""

from quizapp.reports.views import bp  # noqa: F401
