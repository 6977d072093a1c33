"""The quiz's pure rules: which questions a worker gets (selection.py), how answers are graded
(grading.py) and how the clock runs (timing.py). No Flask, no SQLAlchemy."""
