"""The company's settings (/console/settings), for company staff: shifts, questions per quiz,
workdays and the WeChat Work robot for reminders."""
