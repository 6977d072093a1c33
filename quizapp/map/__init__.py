"""The incident map: each grid coloured by a figure, incidents as points (reports.map)."""
