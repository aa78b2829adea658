"""drf-spectacular enum names of the cutting module, merged into ENUM_NAME_OVERRIDES by the settings.

Plain strings only, no imports: the settings load this before the apps.
"""

ENUM_NAMES: dict[str, str] = {
    # Cutting orders and cut items share one status set.
    "CuttingStatusEnum": "erp.cutting.models.CuttingStatus",
}
