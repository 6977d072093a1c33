"""The read-only JSON API for the town's analysis system (/api/v1): token authentication, rate
limits per token, the endpoints (views.py), their JSON shapes (shapes.py) and the OpenAPI 3
document that describes them (openapi.py). Documented for its users in docs/api.md."""
