from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User


@admin.register(User)
class RaabtaUserAdmin(UserAdmin[User]):
    list_display = ["username", "email", "role", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = (*UserAdmin.fieldsets, ("Raabta", {"fields": ["role"]}))  # type: ignore[misc]
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Raabta", {"fields": ["role"]}))
