"""Role grants and menu entries of the inspections module (loaded by erp/accounts/roles.py; do not import it here)."""

from django.utils.translation import gettext_lazy as _  # noqa: F401  (for the section labels)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {}
SECTIONS: list[tuple] = []
