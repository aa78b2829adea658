from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from erp.accounts.models import User
from erp.core.exports import xlsx_response


def users_xlsx(users: QuerySet[User]) -> HttpResponse:
    """The user list as Excel; `users` comes from `selectors.user_list` (scoped, roles prefetched)."""
    headers = [_("Username"), _("Name"), _("Branch"), _("Roles"), _("Phone"), _("Email"), _("Active"), _("Last seen")]
    rows = (
        [
            u.username,
            u.display_name,
            u.branch.name if u.branch else "",
            "، ".join(r.name for r in u.roles.all()),
            u.phone,
            u.email,
            _("Yes") if u.is_active else _("No"),
            u.last_seen,
        ]
        for u in users.iterator(chunk_size=500)
    )
    return xlsx_response(filename="users", headers=headers, rows=rows)
