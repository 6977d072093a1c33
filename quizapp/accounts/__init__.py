"""Staff and officer accounts (/admin/accounts), for the town admin: create, edit, one-time passwords,
unlock, deactivate and reactivate. views.py and forms.py are the pages; service.py the use cases."""
