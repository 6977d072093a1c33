"""The city page: the towns compared side by side (issue 16), for the city admin and city tokens."""
