"""Grids and companies (/admin/grids, /admin/companies), for the town admin: create, edit, move,
deactivate and reactivate, with each company's QR code. rules.py is pure."""
