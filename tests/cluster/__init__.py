"""The whole deployment started on this machine and part of it killed (quizapp/cluster.py)."""
