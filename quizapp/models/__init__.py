"""Typed SQLAlchemy 2.0 models: every table quizapp owns. Import models from here."""

from quizapp.models.alerts import Alert, alert_grids
from quizapp.models.content import Question, QuestionVersion, Topic
from quizapp.models.imports import TownImport
from quizapp.models.leads import Lead, LeadReport
from quizapp.models.messaging import Delivery
from quizapp.models.org import City, Company, CompanyAbsence, Grid, Shift, StaffUser, Town, officer_grids
from quizapp.models.outreach import OutreachActivity
from quizapp.models.oversight import (
    ApiToken,
    AuditLog,
    CaseEvent,
    FollowUp,
    Incident,
    SupervisionCase,
    TownSetting,
)
from quizapp.models.people import Employee, EmployeeAbsence
from quizapp.models.places import BoundaryUpload, GridBoundary, GridPlace
from quizapp.models.quiz import Answer, Attempt
from quizapp.models.reporting import CompanyDay, CompanyTopicDay, TownDay
from quizapp.models.roster import RosterImport
from quizapp.models.rounds import PreshiftRound

__all__ = [
    "Alert", "Answer", "ApiToken", "Attempt", "AuditLog", "BoundaryUpload", "CaseEvent", "City", "Company",
    "CompanyAbsence", "CompanyDay", "CompanyTopicDay", "Delivery", "Employee", "EmployeeAbsence", "FollowUp", "Grid",
    "GridBoundary",
    "GridPlace", "Incident", "Lead", "LeadReport", "OutreachActivity", "PreshiftRound", "Question",
    "QuestionVersion", "RosterImport", "Shift", "StaffUser", "SupervisionCase", "Topic", "Town",
    "TownDay", "TownImport", "TownSetting", "alert_grids", "officer_grids",
]
