from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_roles(sender: AppConfig, **kwargs: Any) -> None:
    # post_migrate is sent once per app, in INSTALLED_APPS order, each creating its own permissions first: sync once
    # every app's permissions exist, i.e. after the last app.
    # (Django sends it only for apps that have a models module.)
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return
    # `migrate accounts zero` ends with post_migrate too, with no roles table left (as Django's create_permissions
    # does, look in the migrated state). `flush` sends it without a state: the tables are there.
    migrated = kwargs.get("apps")
    if migrated is not None:
        try:
            migrated.get_model("accounts", "Role")
        except LookupError:
            return
    from erp.accounts.services import role_sync

    role_sync()


class AccountsConfig(AppConfig):
    name = "erp.accounts"
    label = "accounts"

    def ready(self) -> None:
        from erp.accounts import signals  # noqa: F401  (security-event plumbing on Django's auth signals)

        # The standard roles follow the code after every migrate, like Django's own permissions.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts_role_sync")
