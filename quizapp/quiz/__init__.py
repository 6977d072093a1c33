"""The worker's quiz (/today, /attempt/..., /history): today's questions with feedback, the result
and the lesson, and history. rules/ holds selection and grading (pure); service.py the use cases;
views.py declares the workers' blueprint and its guard."""
