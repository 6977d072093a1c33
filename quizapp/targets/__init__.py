"""The town admin's targets page (/admin/targets): the town's participation target, which the grid
dashboard, the comparison, the weekly and monthly reports and the digest read (80 % until set)."""
