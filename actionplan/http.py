"""Small request helpers shared by every app's views."""

from django.views.decorators.http import require_http_methods

# A form page: GET shows the form, POST saves it. Nothing else is allowed.
GET_AND_POST = require_http_methods(["GET", "POST"])


def posted(request):
    """The form data of a POST, even an empty one (``request.POST or None`` would drop it)."""
    return request.POST if request.method == "POST" else None
