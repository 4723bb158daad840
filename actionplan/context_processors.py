from .access import viewer_for


def viewer(request):
    """What the signed-in person may do, for templates: {% if viewer.may_rate_any %}."""
    return {"viewer": viewer_for(request)}
