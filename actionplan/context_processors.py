from .access import viewer_for


def viewer(request):
    """What the signed-in person may do, for templates: {% if viewer.may_rate_any %}."""
    if not hasattr(request, "user"):  # refused before AuthenticationMiddleware (bad Host)
        return {}
    return {"viewer": viewer_for(request)}
