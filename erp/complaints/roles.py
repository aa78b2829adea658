"""Role grants and menu entries of the complaints module (loaded by erp/accounts/roles.py; do not import it here).

Salespeople file and follow complaints (their branch's); branch managers (and so region and sales managers) manage
them: assign, escalate, close, reopen, export; the inspection, installation and factory managers handle the ones
assigned to them; sales managers and system administrators also keep the complaint types and business calendar.
"""

from django.utils.translation import gettext_lazy as _

VIEW = "complaints.view_complaints"
CREATE = "complaints.create_complaints"
HANDLE = "complaints.handle_complaints"
MANAGE = "complaints.manage_complaints"
EXPORT = "complaints.export_complaints"
TYPES = "complaints.manage_complaint_types"

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "system_admin": (VIEW, CREATE, HANDLE, MANAGE, EXPORT, TYPES),
    "sales_manager": (TYPES,),
    "branch_manager": (HANDLE, MANAGE, EXPORT),
    "salesperson": (VIEW, CREATE),
    "inspection_manager": (VIEW, HANDLE),
    "installation_manager": (VIEW, HANDLE),
    "factory_manager": (VIEW, HANDLE),
}
SECTIONS: list[tuple] = [
    ("complaints", _("Complaints"), "complaints:complaint_list", "alert", VIEW),
    ("complaints_dashboard", _("Complaints dashboard"), "complaints:dashboard", "alert", MANAGE),
    ("complaint_types", _("Complaint types"), "complaints:type_list", "alert", TYPES),
]
