"""Use cases. Each takes the actor and today's date (or now) as arguments, works through the
models and the pure rules in domain/, and flushes; only views and CLI commands commit."""
