"""`python -m quizapp ...` is the `quizapp` command (quizapp.cli), for processes started without the
installed console script (the cluster's app servers and cron runs, quizapp/cluster.py)."""

from quizapp.cli import main

main(prog_name="quizapp")
