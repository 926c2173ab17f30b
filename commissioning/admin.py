"""Everything in the shared model is editable by administrators in the Django admin."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from commissioning.models import (
    ApiToken,
    Area,
    AuditEvent,
    CommissioningCycle,
    Contract,
    Finding,
    Indicator,
    IndicatorValue,
    Organisation,
    PopulationSnapshot,
    Run,
    Segment,
    SegmentationModel,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "organisation", "role", "is_active", "is_demo")
    list_filter = ("role", "is_active", "is_demo")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Commissioning", {"fields": ("organisation", "role", "is_demo")}),
    )
    autocomplete_fields = ("organisation",)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "imd_decile", "population")
    list_filter = ("level", "imd_decile")
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "icb")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("ods_code", "name", "kind", "sector", "icb", "opened", "closed")
    list_filter = ("kind", "sector")
    search_fields = ("ods_code", "name")
    raw_id_fields = ("parent", "icb", "area")


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "title",
        "commissioner",
        "provider",
        "payment_model",
        "annual_value",
        "start_date",
        "end_date",
        "status",
    )
    list_filter = ("payment_model", "status")
    search_fields = ("reference", "title", "provider__name")
    raw_id_fields = ("commissioner", "provider")


@admin.register(PopulationSnapshot)
class PopulationSnapshotAdmin(admin.ModelAdmin):
    list_display = (
        "icb",
        "period_start",
        "period_end",
        "source",
        "status",
        "row_count",
        "loaded_by",
        "loaded_at",
    )
    list_filter = ("status",)
    readonly_fields = ("row_count", "checksum", "loaded_by", "loaded_at", "created_at")


class SegmentInline(admin.TabularInline):
    model = Segment
    extra = 0


@admin.register(SegmentationModel)
class SegmentationModelAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "icb", "is_published", "created_at")
    inlines = [SegmentInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "polarity", "source")
    search_fields = ("code", "name")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "area", "provider", "period_end", "breakdown", "category", "value")
    list_filter = ("indicator",)
    raw_id_fields = ("area", "provider")


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    raw_id_fields = ("created_by", "approved_by")


@admin.register(CommissioningCycle)
class CommissioningCycleAdmin(admin.ModelAdmin):
    list_display = ("icb", "financial_year", "status")
    inlines = [FindingInline]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "progress", "started_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    readonly_fields = ("created_at", "started_at", "finished_at", "heartbeat_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "verb", "object_type", "object_id")
    list_filter = ("verb",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
