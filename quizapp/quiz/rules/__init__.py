"""The quiz's pure rules: which questions a worker gets (selection.py) and how answers are graded
(grading.py). No Flask, no SQLAlchemy."""
