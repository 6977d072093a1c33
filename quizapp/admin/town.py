"""Admin: the town view. (Routes are added on quizapp.admin.views.bp.)"""

from quizapp.admin.views import bp  # noqa: F401
