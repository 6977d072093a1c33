"""The question bank: the file format and its checker (rules/checker.py), loading files into the
database (service.py, `quizapp bank load`, which prints its plan first: rules/load_plan.py), and
item analysis (rules/item_analysis.py, items.py, /admin/bank and `quizapp bank stats`)."""
