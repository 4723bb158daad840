from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
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


# People keep their history (agencies.models): who changed a name, an email address, the
# active flag or superuser status, when and why. The admin shows it, read-only.
User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(SimpleHistoryAdmin, UserAdmin):
    history_list_display = ["first_name", "last_name", "email", "is_active", "is_superuser"]
