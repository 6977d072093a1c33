"""The town admin's home (/admin/) and the town view (/reports/town; officers see their own grids): today by company, and the grid ×
week heat table, aggregates only."""
