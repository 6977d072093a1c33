"""QR posters (/console/posters) for company staff, and the QR code writer (qr.py) that the admin's
company page shares."""
