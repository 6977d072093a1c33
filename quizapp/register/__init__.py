"""The town's register: the town admin brings in grids and companies in bulk from a file."""
