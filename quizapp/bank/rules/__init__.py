"""The bank's pure rules: the file format and checker, what a load would do (load_plan.py), and item
analysis. No Flask, no SQLAlchemy."""
