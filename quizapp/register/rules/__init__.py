"""The register import's pure rules: reading a register file cell by cell (register.rules.file)
and working out what applying it would do to the town (register.rules.plan). No Flask, no
database."""
