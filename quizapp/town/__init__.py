"""The town admin's home (/admin/) and the grid × week heat table (/reports/town: the town for the
admin, their own grids for an officer): today by company, aggregates only."""
