"""Messages sent by the app (reminders and digests): the transport and retry loop (service.py), and
the town admin's list with retries (/admin/deliveries)."""
