"""Rules that several features share: metrics (the figures' definitions), charts and spreadsheets.
No Flask, no SQLAlchemy."""
