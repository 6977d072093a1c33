"""The bank's pure rules: the file format and checker, and item analysis. No Flask, no SQLAlchemy."""
