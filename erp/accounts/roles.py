"""The standard roles (domain B §6.1) as data definitions, and the menu sections they open.

Roles are rows (`Role`) so an administrator can see and assign them; their definitions live here, in code, and
`role_sync()` keeps the rows and their permissions in step after every migration. Later modules add their
permissions to `ROLE_PERMISSIONS` and their sections to `SECTIONS`.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class RoleKey(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    REGION_MANAGER = "region_manager", _("Region manager")
    FACTORY_MANAGER = "factory_manager", _("Factory manager")
    EXTERNAL_SALES_DIRECTOR = "external_sales_director", _("External sales director")
    BRANCH_MANAGER = "branch_manager", _("Branch manager")
    FACTORY_ACCOUNTANT = "factory_accountant", _("Factory accountant")
    INSPECTION_MANAGER = "inspection_manager", _("Inspection manager")
    INSTALLATION_MANAGER = "installation_manager", _("Installation manager")
    TRAFFIC_MANAGER = "traffic_manager", _("Traffic manager")
    DECORATOR_DEPT_MANAGER = "decorator_dept_manager", _("Decorator department manager")
    SALESPERSON = "salesperson", _("Salesperson")
    FACTORY_RECEIVER = "factory_receiver", _("Factory receiver")
    WAREHOUSE_STAFF = "warehouse_staff", _("Warehouse staff")
    DECORATOR_DEPT_STAFF = "decorator_dept_staff", _("Decorator department staff")
    INSPECTION_TECHNICIAN = "inspection_technician", _("Inspection technician")
    USER = "user", _("Plain user")


@dataclass(frozen=True)
class RoleDefinition:
    key: RoleKey
    level: int
    inherits: tuple[RoleKey, ...] = ()


ROLE_DEFINITIONS: dict[str, RoleDefinition] = {
    d.key.value: d
    for d in (
        RoleDefinition(RoleKey.SYSTEM_ADMIN, 0, (RoleKey.SALES_MANAGER,)),
        RoleDefinition(RoleKey.SALES_MANAGER, 1, (RoleKey.REGION_MANAGER,)),
        RoleDefinition(RoleKey.REGION_MANAGER, 2, (RoleKey.BRANCH_MANAGER,)),
        RoleDefinition(RoleKey.FACTORY_MANAGER, 2, (RoleKey.FACTORY_RECEIVER,)),
        RoleDefinition(RoleKey.EXTERNAL_SALES_DIRECTOR, 2, (RoleKey.DECORATOR_DEPT_MANAGER,)),
        RoleDefinition(RoleKey.BRANCH_MANAGER, 3, (RoleKey.SALESPERSON,)),
        RoleDefinition(RoleKey.FACTORY_ACCOUNTANT, 3, (RoleKey.FACTORY_RECEIVER,)),
        RoleDefinition(RoleKey.INSPECTION_MANAGER, 3, (RoleKey.INSPECTION_TECHNICIAN,)),
        RoleDefinition(RoleKey.INSTALLATION_MANAGER, 3),
        RoleDefinition(RoleKey.TRAFFIC_MANAGER, 3),
        RoleDefinition(RoleKey.DECORATOR_DEPT_MANAGER, 3, (RoleKey.DECORATOR_DEPT_STAFF,)),
        RoleDefinition(RoleKey.SALESPERSON, 4),
        RoleDefinition(RoleKey.FACTORY_RECEIVER, 4),
        RoleDefinition(RoleKey.WAREHOUSE_STAFF, 4),
        RoleDefinition(RoleKey.DECORATOR_DEPT_STAFF, 4),
        RoleDefinition(RoleKey.INSPECTION_TECHNICIAN, 5),
        RoleDefinition(RoleKey.USER, 6),
    )
}

# The level of a user without any role: below everyone, so they manage nobody.
NO_ROLE_LEVEL = 7


def expand_roles(keys: set[str]) -> frozenset[str]:
    """A role's inherited roles, transitively (sales manager ⊃ region manager ⊃ branch manager ⊃ salesperson)."""
    seen: set[str] = set()
    stack = [k for k in keys if k in ROLE_DEFINITIONS]
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        stack.extend(r.value for r in ROLE_DEFINITIONS[key].inherits)
    return frozenset(seen)


# Permissions ("app_label.codename") each role holds directly; inherited roles add theirs.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    RoleKey.SYSTEM_ADMIN: (
        "accounts.manage_users",
        "accounts.manage_branches",
        "accounts.manage_roles",
        "accounts.view_security_events",
        "inventory.manage_catalogue",
        "inventory.change_prices",
        "inventory.manage_stock",
        "inventory.approve_transfers",
        "customers.view_customers",
        "customers.manage_customers",
        "customers.block_customers",
        "customers.export_customers",
        "outbox.view_task_health",
        "whatsapp.manage_whatsapp",
        "catalogue.print_labels",
        "catalogue.manage_design",
        "catalogue.manage_sync",
        "inventory.view_purchasing",
        "inventory.manage_purchasing",
        "inventory.approve_purchases",
        "inventory.adjust_stock",
        "customers.manage_customer_types",
        "inventory.import_catalogue",
    ),
    RoleKey.SALES_MANAGER: (
        "accounts.view_all_branches",
        "accounts.view_security_events",
        "customers.block_customers",
        "customers.export_customers",
        "whatsapp.view_message_log",
        "catalogue.print_labels",
        "catalogue.manage_design",
        "customers.manage_customer_types",
    ),
    RoleKey.REGION_MANAGER: ("accounts.manage_users", "accounts.manage_branches"),
    RoleKey.BRANCH_MANAGER: ("accounts.manage_users", "customers.export_customers"),
    RoleKey.SALESPERSON: ("inventory.view_stock", "customers.view_customers", "customers.manage_customers"),
    RoleKey.FACTORY_MANAGER: (
        "inventory.view_stock",
        "inventory.manage_catalogue",
        "inventory.manage_stock",
        "inventory.approve_transfers",
        "catalogue.print_labels",
        "inventory.view_purchasing",
        "inventory.manage_purchasing",
        "inventory.approve_purchases",
        "inventory.adjust_stock",
        "inventory.import_catalogue",
    ),
    RoleKey.FACTORY_RECEIVER: ("inventory.view_stock",),
    RoleKey.WAREHOUSE_STAFF: (
        "inventory.view_stock",
        "inventory.manage_stock",
        "catalogue.print_labels",
        "inventory.view_purchasing",
    ),
    RoleKey.INSPECTION_MANAGER: ("inventory.view_stock", "customers.view_customers"),
    RoleKey.INSTALLATION_MANAGER: ("inventory.view_stock", "customers.view_customers"),
    RoleKey.EXTERNAL_SALES_DIRECTOR: ("customers.view_customers",),
    RoleKey.DECORATOR_DEPT_STAFF: ("customers.view_customers",),
    RoleKey.USER: ("accounts.view_dashboard",),
    RoleKey.FACTORY_ACCOUNTANT: ("inventory.view_purchasing",),
}


@dataclass(frozen=True)
class Section:
    """A menu entry: shown (and its URLs opened) only to users holding `permission`."""

    key: str
    label: StrOrPromise
    url_name: str
    icon: str
    permission: str

    @property
    def url(self) -> str:
        """The entry's path, reversed once per process (the menu is on every page: ~40 reversals a request)."""
        return _reversed(self.url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=256)
def _reversed(url_name: str, script_prefix: str, urlconf: str) -> str:
    return reverse(url_name, urlconf=urlconf)


SECTIONS: list[Section] = [
    Section("products", _("Products"), "inventory:product_list", "box", "inventory.view_stock"),
    Section("movements", _("Stock movements"), "inventory:movement_list", "swap", "inventory.view_stock"),
    Section("customers", _("Customers"), "customers:customer_list", "people", "customers.view_customers"),
    Section("transfers", _("Transfers"), "inventory:transfer_list", "swap", "inventory.view_stock"),
    Section("stock_alerts", _("Stock alerts"), "inventory:alert_list", "alert", "inventory.view_stock"),
    Section("stock_counts", _("Stock counts"), "inventory:count_list", "box", "inventory.view_stock"),
    Section("purchase_orders", _("Purchase orders"), "inventory:po_list", "shop", "inventory.view_purchasing"),
    Section("suppliers", _("Suppliers"), "inventory:supplier_list", "people", "inventory.view_purchasing"),
    Section("imports", _("Catalogue import"), "inventory:import_list", "box", "inventory.import_catalogue"),
    Section("users", _("Users"), "accounts:user_list", "people", "accounts.manage_users"),
    Section("branches", _("Branches"), "accounts:branch_list", "shop", "accounts.manage_branches"),
    Section(
        "security", _("Security events"), "accounts:security_event_list", "shield", "accounts.view_security_events"
    ),
    Section("whatsapp", _("WhatsApp"), "whatsapp:message_list", "globe", "whatsapp.view_message_log"),
    Section("task_health", _("Task health"), "outbox:task_health", "alert", "outbox.view_task_health"),
    Section("qr_labels", _("QR labels"), "catalogue:labels", "box", "catalogue.print_labels"),
    Section("catalogue_sync", _("Catalogue sync"), "catalogue:sync_status", "globe", "catalogue.manage_sync"),
]

# Orders (erp/orders). view/place/edit: the sales floor; approve/reject, cancel, manual prices, administrative
# discounts and waiving the down payment: branch managers and up; progress (in progress → ready → completed →
# delivered): the operations managers; promo codes: sales managers; exports: managers.
_ORDER_PERMISSIONS: dict[str, tuple[str, ...]] = {
    RoleKey.SYSTEM_ADMIN: (
        "orders.view_orders",
        "orders.place_orders",
        "orders.edit_orders",
        "orders.approve_orders",
        "orders.progress_orders",
        "orders.cancel_orders",
        "orders.manual_price",
        "orders.admin_discount",
        "orders.waive_down_payment",
        "orders.record_payments",
        "orders.issue_promo_codes",
        "orders.export_orders",
    ),
    RoleKey.SALES_MANAGER: ("orders.issue_promo_codes",),
    RoleKey.BRANCH_MANAGER: (
        "orders.approve_orders",
        "orders.cancel_orders",
        "orders.manual_price",
        "orders.admin_discount",
        "orders.waive_down_payment",
        "orders.export_orders",
    ),
    RoleKey.SALESPERSON: ("orders.view_orders", "orders.place_orders", "orders.edit_orders", "orders.record_payments"),
    RoleKey.FACTORY_MANAGER: ("orders.view_orders", "orders.progress_orders", "orders.export_orders"),
    RoleKey.INSPECTION_MANAGER: ("orders.view_orders", "orders.progress_orders"),
    RoleKey.INSTALLATION_MANAGER: ("orders.view_orders", "orders.progress_orders"),
    RoleKey.EXTERNAL_SALES_DIRECTOR: ("orders.view_orders",),
    RoleKey.DECORATOR_DEPT_STAFF: ("orders.view_orders",),
    RoleKey.INSPECTION_TECHNICIAN: ("orders.view_orders",),
}
for _role, _perms in _ORDER_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS.get(_role, ()) + _perms
# Orders sit right after customers in the menu: they are where salespeople spend their day.
_AFTER_CUSTOMERS = next(i for i, s in enumerate(SECTIONS) if s.key == "customers") + 1
SECTIONS[_AFTER_CUSTOMERS:_AFTER_CUSTOMERS] = [
    Section("orders", _("Orders"), "orders:order_list", "curtain", "orders.view_orders"),
    Section("promo_codes", _("Promo codes"), "orders:promo_list", "key", "orders.issue_promo_codes"),
]

# Operations modules declare their grants in erp/<app>/roles.py, so that parallel modules never edit this file:
#   ROLE_PERMISSIONS: dict[str, tuple[str, ...]]   role key (a RoleKey value) → permissions it holds directly
#   SECTIONS: list[tuple[key, label, url_name, icon, permission]]   menu entries, appended in module order
# Those modules must not import this one (it imports them).
APP_ROLE_MODULES = (
    "erp.inspections.roles",
    "erp.cutting.roles",
    "erp.manufacturing.roles",
    "erp.installations.roles",
    "erp.complaints.roles",
)


def _load_app_roles() -> None:
    import importlib

    for name in APP_ROLE_MODULES:
        module = importlib.import_module(name)
        for role, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            if role not in ROLE_DEFINITIONS:
                raise ValueError(f"{name}: unknown role {role!r}")
            ROLE_PERMISSIONS[role] = ROLE_PERMISSIONS.get(role, ()) + tuple(perms)
        SECTIONS.extend(Section(*entry) for entry in getattr(module, "SECTIONS", ()))


_load_app_roles()

# Customers' credit (erp/orders/credit.py): placing an order beyond a customer's credit limit or with orders overdue
# past their payment terms is refused unless the user may override it: branch managers and up.
for _role in (RoleKey.SYSTEM_ADMIN, RoleKey.BRANCH_MANAGER):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS.get(_role, ()) + ("customers.exceed_credit",)
