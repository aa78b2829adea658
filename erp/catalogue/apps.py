from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "erp.catalogue"
    label = "catalogue"
