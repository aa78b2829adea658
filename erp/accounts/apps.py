from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender: AppConfig, **kwargs: Any) -> None:
    from erp.accounts.services import role_sync

    role_sync()


class AccountsConfig(AppConfig):
    name = "erp.accounts"
    label = "accounts"

    def ready(self) -> None:
        from erp.accounts import signals  # noqa: F401  (security-event plumbing on Django's auth signals)

        # The standard roles follow the code after every migrate, like Django's own permissions.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="accounts_role_sync")
