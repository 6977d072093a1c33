"""Signing in and out: workers by company code, employee number and PIN (/c/<code>), staff and
officers by username and password (/login). Its own blueprint (public)."""
