"""drf-spectacular enum names of the manufacturing module, merged into ENUM_NAME_OVERRIDES by the settings.

Plain strings only, no imports: the settings load this before the apps.
"""

ENUM_NAMES: dict[str, str] = {
    "FactoryOrderStatusEnum": "erp.manufacturing.models.FactoryOrder.Status",
    "FactoryOrderTypeEnum": "erp.manufacturing.models.FactoryOrder.Type",
}
