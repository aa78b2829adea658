"""drf-spectacular enum names of the complaints module, merged into ENUM_NAME_OVERRIDES by the settings.

Plain strings only, no imports: the settings load this before the apps.
"""

ENUM_NAMES: dict[str, str] = {
    "ComplaintStatusEnum": "erp.complaints.models.Complaint.Status",
    "ComplaintPriorityEnum": "erp.complaints.models.Priority",
    "ComplaintSourceEnum": "erp.complaints.models.Complaint.Source",
    "ComplaintUpdateKindEnum": "erp.complaints.models.ComplaintUpdate.Kind",
}
