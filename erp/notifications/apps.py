from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "erp.notifications"
    label = "notifications"

    def ready(self) -> None:
        from erp.inventory.alerts import register_stock_alert_handler
        from erp.notifications.stock import stock_alerts_notify

        register_stock_alert_handler(stock_alerts_notify)
