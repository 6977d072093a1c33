"""The town admin's home (/admin/) and the town view (/admin/town): today by company, and the grid ×
week heat table, aggregates only."""
