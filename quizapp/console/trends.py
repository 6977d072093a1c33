"""Console: trends. (Routes are added on quizapp.console.views.bp.)"""

from quizapp.console.views import bp  # noqa: F401
