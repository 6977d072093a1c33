"""Typed SQLAlchemy 2.0 models: every table quizapp owns. Import models from here."""

from quizapp.models.content import Question, QuestionVersion, Topic
from quizapp.models.org import Company, Grid, StaffUser, officer_grids
from quizapp.models.people import Employee
from quizapp.models.quiz import Answer, Attempt
from quizapp.models.reporting import CompanyDay

__all__ = [
    "Answer", "Attempt", "Company", "CompanyDay", "Employee", "Grid", "Question",
    "QuestionVersion", "StaffUser", "Topic", "officer_grids",
]
