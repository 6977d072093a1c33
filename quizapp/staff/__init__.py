"""Console → Staff accounts: a company's own staff accounts as its outreach staff see them."""
