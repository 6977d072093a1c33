"""API tokens (/admin/tokens), for the town admin: issue (shown once, stored as a hash) and revoke;
service.py also authenticates the API's requests."""
