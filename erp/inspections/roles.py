"""Role grants and menu entries of the inspections module (loaded by erp/accounts/roles.py; do not import it here).

view: everyone who deals with inspections (scoping narrows the rows); request: the sales floor asks for a standalone
visit; manage (schedule, reschedule, cancel, repeat, and every technician move on any visit in scope): inspection
managers; work (start, complete, postpone their own visits): inspection technicians; export: managers.
"""

from django.utils.translation import gettext_lazy as _

VIEW = "inspections.view_inspections"
REQUEST = "inspections.request_inspections"
MANAGE = "inspections.manage_inspections"
WORK = "inspections.work_inspections"
EXPORT = "inspections.export_inspections"

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "system_admin": (VIEW, REQUEST, MANAGE, WORK, EXPORT),
    "sales_manager": (VIEW, EXPORT),
    "branch_manager": (VIEW, EXPORT),
    "salesperson": (VIEW, REQUEST),
    "inspection_manager": (VIEW, REQUEST, MANAGE, EXPORT),
    "inspection_technician": (VIEW, WORK),
}
SECTIONS: list[tuple] = [
    ("inspections", _("Inspections"), "inspections:inspection_list", "search", VIEW),
    ("my_visits", _("My visits today"), "inspections:my_visits", "home", WORK),
]
