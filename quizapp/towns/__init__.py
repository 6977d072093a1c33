"""The towns of a city (issue 16): the city admin's pages under /city, the towns and their admin
accounts, and `quizapp city-admin`. Tenant filters by town stay in quizapp/scope.py."""
