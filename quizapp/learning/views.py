"""Reports: learning. Officers (their grids) and the town admin (the town) see whether workers
learn: first-try accuracy on the common set by grid and month, the forgetting curve, the
before/after probe's estimate and the check for answer sharing. Aggregates only."""

from flask import render_template
from flask_login import current_user

from quizapp.clock import local_today, utcnow
from quizapp.learning import service
from quizapp.routing import Routes
from quizapp.rules.metrics import whole_points
from quizapp.wording import change_words

routes = Routes()


@routes.get("/learning")
def learning():
    view = service.learning(current_user, local_today(), utcnow())
    return render_template("learning/index.html", view=view, points=lambda share: change_words(whole_points(share)))
