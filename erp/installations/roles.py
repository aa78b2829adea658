"""Role grants and menu entries of the installations module (loaded by erp/accounts/roles.py; do not import it here).

Installation managers do everything (schedule, start, complete with payments at the door, cancel, re-work, teams
and fleet); traffic managers run vehicles, drivers and missions; branch managers and salespeople see their
branch's (or their own orders') installations; the system administrator has everything.
"""

from django.utils.translation import gettext_lazy as _

_ALL = (
    "installations.view_installations",
    "installations.manage_installations",
    "installations.investigate_modifications",
    "installations.export_installations",
    "installations.manage_teams",
    "installations.manage_fleet",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "system_admin": _ALL,
    # Payments collected at the door go through the orders' payment service, which needs this permission.
    "installation_manager": (*_ALL, "orders.record_payments"),
    "traffic_manager": ("installations.manage_fleet",),
    "branch_manager": ("installations.export_installations",),
    "salesperson": ("installations.view_installations",),
}

SECTIONS: list[tuple] = [
    (
        "installations",
        _("Installations"),
        "installations:installation_list",
        "home",
        "installations.view_installations",
    ),
    (
        "installations_to_schedule",
        _("Installations to schedule"),
        "installations:needs_scheduling",
        "alert",
        "installations.manage_installations",
    ),
    (
        "installation_modifications",
        _("Modification requests"),
        "installations:modification_list",
        "swap",
        "installations.view_installations",
    ),
    ("installation_teams", _("Installation teams"), "installations:team_list", "people", "installations.manage_teams"),
    ("fleet", _("Vehicles and drivers"), "installations:vehicle_list", "box", "installations.manage_fleet"),
]
