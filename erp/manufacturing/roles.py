"""Role grants and menu entries of the manufacturing module (loaded by erp/accounts/roles.py; do not import it here).

factory_manager approves, rejects, moves, cancels, changes lines, manages lines and exports; factory_receiver (and
the factory accountant, who inherits it) receives fabric and delivers it to the lines; salespeople (and the branch,
region and sales managers above them) see their branches' factory orders and reply to rejections; installation
managers see them; the system administrator holds everything.
"""

from django.utils.translation import gettext_lazy as _

ALL = (
    "manufacturing.view_factory_orders",
    "manufacturing.approve_orders",
    "manufacturing.reject_orders",
    "manufacturing.progress_orders",
    "manufacturing.cancel_orders",
    "manufacturing.change_line",
    "manufacturing.receive_fabric",
    "manufacturing.deliver_to_line",
    "manufacturing.reply_rejections",
    "manufacturing.manage_lines",
    "manufacturing.export_factory_orders",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "system_admin": ALL,
    "factory_manager": (
        "manufacturing.view_factory_orders",
        "manufacturing.approve_orders",
        "manufacturing.reject_orders",
        "manufacturing.progress_orders",
        "manufacturing.cancel_orders",
        "manufacturing.change_line",
        "manufacturing.manage_lines",
        "manufacturing.export_factory_orders",
    ),
    "factory_receiver": (
        "manufacturing.view_factory_orders",
        "manufacturing.receive_fabric",
        "manufacturing.deliver_to_line",
    ),
    "salesperson": ("manufacturing.view_factory_orders", "manufacturing.reply_rejections"),
    "branch_manager": ("manufacturing.export_factory_orders",),
    "installation_manager": ("manufacturing.view_factory_orders",),
}
SECTIONS: list[tuple] = [
    ("factory", _("Factory"), "manufacturing:dashboard", "home", "manufacturing.view_factory_orders"),
    ("factory_orders", _("Factory orders"), "manufacturing:order_list", "box", "manufacturing.view_factory_orders"),
    ("fabric_receipt", _("Fabric receipt"), "manufacturing:receipt", "swap", "manufacturing.receive_fabric"),
    ("production_lines", _("Production lines"), "manufacturing:line_list", "shop", "manufacturing.manage_lines"),
]
