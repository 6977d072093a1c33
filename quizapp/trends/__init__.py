"""Trends and topics (/console/trends) and one worker's history, for company staff: participation
and knowledge over time and the weakest topics for the pre-shift talk."""
