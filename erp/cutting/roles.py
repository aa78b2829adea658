"""Role grants and menu entries of the cutting module (loaded by erp/accounts/roles.py; do not import it here).

Warehouse staff cut (their warehouses only, by scoping); the factory manager and the system administrator do
everything, including undoing a completed cut; branch managers (and so region and sales managers) and salespeople
see their branches' cutting orders; managers export.
"""

from django.utils.translation import gettext_lazy as _

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "system_admin": ("cutting.view_cutting", "cutting.cut_items", "cutting.reverse_cuts", "cutting.export_cutting"),
    "factory_manager": ("cutting.view_cutting", "cutting.cut_items", "cutting.reverse_cuts", "cutting.export_cutting"),
    "warehouse_staff": ("cutting.view_cutting", "cutting.cut_items"),
    "branch_manager": ("cutting.view_cutting", "cutting.export_cutting"),
    "salesperson": ("cutting.view_cutting",),
}
SECTIONS: list[tuple] = [
    ("cutting", _("Cutting"), "cutting:order_list", "swap", "cutting.view_cutting"),
]
