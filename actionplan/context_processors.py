from django.utils.functional import SimpleLazyObject

from .access import viewer_for


def viewer(request):
    """What the signed-in person may do, for templates: {% if viewer.may_rate_any %}; and
    the plans they can read, for the plan picker in the header (read when a page shows
    the header: one query)."""
    if not hasattr(request, "user"):  # refused before AuthenticationMiddleware (bad Host)
        return {}
    person = viewer_for(request)
    return {"viewer": person, "plan_choices": SimpleLazyObject(lambda: _plans(person))}


def _plans(person):
    from .models import Plan

    if not person.may_view:
        return []
    return list(Plan.objects.order_by("closed_at", "title").only("slug", "title", "closed_at"))
