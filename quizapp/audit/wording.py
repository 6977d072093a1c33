"""The audit log in words: what each known action means for people (an unknown code is shown as it
is) and the action families the filter offers. Used by the audit views, template and sheet."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.wording import Messages

ACTION_LABELS = {
    "export_ledger": _l("Exported the supervision ledger"),
    "export_incidents": _l("Exported incident records"),
    "import_incidents": _l("Imported incident records"),
    "supervision_rules": _l("Changed the supervision rules"),
    "export.audit": _l("Exported the audit log"),
    "export.periodic": _l("Exported a weekly or monthly report"),
    "export.console": _l("A company exported its quiz records"),
    "api.read": _l("Read through the API"),
    "api.revoked_token": _l("Tried the API with a revoked token"),
    "api_token.issue": _l("Issued an API token"),
    "api_token.revoke": _l("Revoked an API token"),
    "retention.purge": _l("Deleted records past their keeping time"),
    "admin.grid.create": _l("Created a grid"),
    "admin.grid.update": _l("Changed a grid"),
    "admin.grid.deactivate": _l("Deactivated a grid"),
    "admin.grid.reactivate": _l("Reactivated a grid"),
    "admin.company.create": _l("Created a company"),
    "admin.company.update": _l("Changed a company"),
    "admin.company.deactivate": _l("Deactivated a company"),
    "admin.company.reactivate": _l("Reactivated a company"),
    "admin.account.create": _l("Created an account"),
    "admin.account.update": _l("Changed an account"),
    "admin.account.reset_password": _l("Reset an account's password"),
    "admin.account.unlock": _l("Unlocked an account"),
    "admin.account.deactivate": _l("Deactivated an account"),
    "admin.account.reactivate": _l("Reactivated an account"),
}
FAMILY_LABELS = {
    "export": _l("Exports"), "api.": _l("API reads"), "admin.": _l("Administration"),
    "api_token.": _l("API tokens"), "import": _l("Imports"), "supervision": _l("Supervision settings"),
    "retention.": _l("Deletions past keeping time"),
}

MESSAGES: Messages = {
    "audit.too_many_rows": lambda limit: _("More than %(n)s rows match: choose a shorter date range and export "
                                           "again.", n=f"{limit:,}"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code
