"""drf-spectacular enum names of the installations module, merged into ENUM_NAME_OVERRIDES by the settings.

Plain strings only, no imports: the settings load this before the apps.
"""

ENUM_NAMES: dict[str, str] = {
    "InstallationStatusEnum": "erp.installations.models.Installation.Status",
    "InstallationLocationTypeEnum": "erp.installations.models.Installation.Location",
    "VehicleVehicleTypeEnum": "erp.installations.models.Vehicle.Type",
    "VehicleStatusEnum": "erp.installations.models.Vehicle.Status",
    "VehicleMissionKindEnum": "erp.installations.models.VehicleMission.Kind",
    "VehicleMissionStatusEnum": "erp.installations.models.VehicleMission.Status",
    "ModificationRequestStatusEnum": "erp.installations.models.ModificationRequest.Status",
    "ModificationRequestFaultPartyEnum": "erp.installations.models.ModificationRequest.Fault",
    "ModificationRequestPriorityEnum": "erp.installations.models.ModificationRequest.Priority",
}
