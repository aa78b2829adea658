"""drf-spectacular enum names of the inspections module, merged into ENUM_NAME_OVERRIDES by the settings.

Plain strings only, no imports: the settings load this before the apps.
"""

ENUM_NAMES: dict[str, str] = {
    "InspectionStatusEnum": "erp.inspections.models.Inspection.Status",
    "InspectionResultEnum": "erp.inspections.models.Inspection.Result",
    "InspectionPaymentStatusEnum": "erp.inspections.models.Inspection.Payment",
}
