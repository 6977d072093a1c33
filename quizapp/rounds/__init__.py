"""The live pre-shift round: the day's common questions run on the company's pre-shift screen,
with the shares of a shift's or team's answers from their normal quiz (docs/metrics.md)."""
