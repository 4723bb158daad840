"""Submitting a form as a person does: from the page they were served.

``submit(client, url, data)`` GETs the form page, keeps every hidden field the page
carries (the version the person saw, for example) and posts them with ``data``. A test
that builds the POST by hand cannot show that the page sends what the view needs."""

from html.parser import HTMLParser


class _HiddenFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}
        self._in_post_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_post_form = (attrs.get("method") or "").lower() == "post"
        elif tag == "input" and self._in_post_form and attrs.get("type") == "hidden":
            name = attrs.get("name")
            if name and name != "csrfmiddlewaretoken":
                self.fields[name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post_form = False


def hidden_fields(html):
    """The hidden fields of the page's POST forms, as the browser would send them."""
    parser = _HiddenFields()
    parser.feed(html if isinstance(html, str) else html.decode())
    return parser.fields


def served_form(client, url):
    """The hidden fields of the form page; none if the page is not served to this person
    (a refusal test then posts what a forged request would)."""
    response = client.get(url)
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return {}
    return hidden_fields(response.content)


def submit(client, url, data=None, **kwargs):
    """POST ``data`` to ``url`` with the hidden fields of the form page served at ``url``."""
    return client.post(url, {**served_form(client, url), **(data or {})}, **kwargs)
