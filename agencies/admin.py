from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, Membership, Post


class PostInline(admin.TabularInline):
    model = Post
    extra = 0


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "also_known_as", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "also_known_as", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PostInline]


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ["title", "agency"]
    list_filter = ["agency"]
    search_fields = ["title", "agency__name"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "agency", "post"]
    list_filter = ["role", "agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__name"]
    autocomplete_fields = ["agency"]
