"""GOV.UK Frontend markup for Django forms, navigation, RAG tags and the RAG chart.

Page templates do not use these tags directly for forms; they include
``includes/field.html`` and ``includes/error_summary.html``, which do::

    {% include "includes/error_summary.html" with form=form %}
    {% include "includes/field.html" with field=form.reason label_class="govuk-label--m" %}

Other tags, after ``{% load govuk %}``::

    {% rag_tag action.rag %}               <strong class="govuk-tag app-rag app-rag--red">Red
    {% rag_tag entry.rag label="Amber" %}  the same with another word
    {{ action.rag|rag_class }}             app-rag--red (app-rag--none when not rated)
    {{ segment.rag|rag_key }}              red, amber, green, blue or none
    {% for s in row.segments|chart_segments %}...app-w-{{ s.width }}...{% endfor %}
"""

import copy

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from actionplan.fields import PARTS, DateInput
from actionplan.models import Rag

register = template.Library()

# What GOV.UK component renders each kind of widget, and its classes.
INPUT_CLASSES = {
    "input": ("govuk-input", "govuk-input--error"),
    "date": ("govuk-input", "govuk-input--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
    "multi": ("govuk-input", "govuk-input--error"),
}
FIELDSET_KINDS = {"radios", "checkboxes", "multi", "dateparts"}


def widget_kind(widget):
    """The GOV.UK component for a Django widget: input, radios, checkboxes, ..."""
    # Order matters: CheckboxSelectMultiple is a RadioSelect, both are Selects, and
    # DateInput is a TextInput.
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, DateInput):
        return "dateparts"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.DateInput):
        return "date"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.SelectDateWidget | forms.MultiWidget):
        return "multi"
    return "input"


def _legend_class(label_class):
    """Accept either "govuk-label--m" or "govuk-fieldset__legend--m" for a legend."""
    return label_class.replace("govuk-label--", "govuk-fieldset__legend--")


def _label_class(label_class):
    return label_class.replace("govuk-fieldset__legend--", "govuk-label--")


def error_target(field):
    """The id the error summary links to: the input itself, or a group's first input."""
    kind = widget_kind(field.field.widget)
    base_id = field.field.widget.attrs.get("id") or field.auto_id
    if kind == "dateparts":
        return f"{base_id}-{(date_error_parts(field) or PARTS)[0]}"
    if kind in FIELDSET_KINDS:
        return f"{base_id}_0"
    return field.id_for_label or base_id


def date_error_parts(field):
    """The boxes of a date to mark: those the error names, or all three (GOV.UK: when the
    date as a whole is wrong, every box is)."""
    named = []
    for error in field.errors.as_data():
        parts = (error.params or {}).get("parts") or PARTS
        named += [part for part in parts if part not in named]
    return [part for part in PARTS if part in named]


def character_limit(field, kind):
    """A textarea's max_length, for the GOV.UK character count; None for anything else."""
    return getattr(field.field, "max_length", None) if kind == "textarea" else None


def _render_widget(field, kind, classes, describedby):
    widget = field.field.widget
    if kind == "hidden":
        return field.as_widget()
    base_class, error_class = INPUT_CLASSES[kind]
    # For a single checkbox, `classes` go on its govuk-checkboxes wrapper instead.
    css = [base_class, widget.attrs.get("class", ""), "" if kind == "checkbox" else classes]
    if field.errors and error_class:
        css.append(error_class)
    if character_limit(field, kind):
        # The count shows the limit as the person types; no maxlength cuts text silently.
        css.append("govuk-js-character-count")
    attrs = {"class": " ".join(c for c in css if c)}
    if character_limit(field, kind):
        attrs["maxlength"] = False
    if describedby:
        attrs["aria-describedby"] = describedby
    # GOV.UK advise against autofocus: it disorients screen-reader users.
    attrs["autofocus"] = False
    if isinstance(widget, forms.SelectDateWidget):
        attrs["class"] = attrs["class"].replace("govuk-input", "govuk-select")
    if kind == "date":
        # A plain <input type="date">: the browser's date picker, ISO value.
        widget = copy.copy(widget)
        widget.input_type = "date"
        widget.format = "%Y-%m-%d"
        widget.attrs = dict(widget.attrs)
    if kind in ("input", "date") and isinstance(widget, forms.EmailInput):
        attrs.setdefault("spellcheck", "false")
    return field.as_widget(widget=widget, attrs=attrs)


def _choices(field):
    """The radio or checkbox items of a choice field, for the template to lay out."""
    items = []
    hints = getattr(field.field, "choice_hints", None) or {}
    for subwidget in field.subwidgets:
        data = subwidget.data
        value = "" if data["value"] is None else str(data["value"])
        items.append(
            {
                "id": data["attrs"].get("id", ""),
                "name": data["name"],
                "value": value,
                "label": data["label"],
                "hint": hints.get(value, ""),
                "checked": bool(data["selected"]),
                "disabled": bool(data["attrs"].get("disabled")),
                "type": data["type"],
            }
        )
    return items


@register.simple_tag
def govuk_field(field, label="", label_class="", hint=None, classes="", heading=False):
    """Everything ``includes/field.html`` needs to render ``field`` the GOV.UK way.

    Returns None when ``field`` is not a bound form field (a typo in a template), so
    that nothing is rendered rather than a broken form group.
    """
    if not isinstance(field, BoundField):
        return None
    kind = widget_kind(field.field.widget)
    base_id = field.field.widget.attrs.get("id") or field.auto_id or field.html_name
    if hint in (None, ""):
        # Django treats help_text as trusted HTML (its own templates use |safe);
        # password rules, for example, come as a <ul>.
        hint = mark_safe(field.help_text) if field.help_text else ""  # noqa: S308
    hint_id = f"{base_id}-hint" if hint else ""
    error_id = f"{base_id}-error" if field.errors else ""
    maxlength = character_limit(field, kind)
    info_id = f"{base_id}-info" if maxlength else ""
    describedby = " ".join(i for i in (hint_id, error_id, info_id) if i)
    context = {
        "kind": kind,
        "id": base_id,
        "label_id": field.id_for_label or base_id,
        "label": label or field.label,
        "label_class": _label_class(label_class),
        "legend_class": _legend_class(label_class),
        "heading": bool(heading),
        "hint": hint,
        "hint_id": hint_id,
        "error_id": error_id,
        "maxlength": maxlength,
        "info_id": info_id,
        "limit_words": f"{maxlength:,}" if maxlength else "",
        "errors": field.errors,
        "describedby": describedby,
        "classes": classes,
        "fieldset": kind in FIELDSET_KINDS,
        "is_hidden": kind == "hidden",
    }
    if kind in ("radios", "checkboxes"):
        context["choices"] = _choices(field)
    elif kind == "dateparts":
        context["parts"] = field.field.widget.parts(
            field.html_name, field.value(), base_id, date_error_parts(field)
        )
    else:
        # A group's aria-describedby goes on its fieldset, not on each input.
        widget_describedby = "" if kind == "multi" else describedby
        context["widget"] = _render_widget(field, kind, classes, widget_describedby)
    return context


@register.filter
def govuk_error_target(field):
    """``{{ field|govuk_error_target }}``: the id an error summary link points at."""
    return error_target(field) if isinstance(field, BoundField) else ""


# -- Navigation -----------------------------------------------------------------------


def _current(context, href, exact=False):
    request = context.get("request")
    if not href or request is None:
        return ""
    path = request.path
    if path == href:
        return "page"
    if not exact and href != "/" and path.startswith(href):
        return "true"
    return ""


@register.simple_tag(takes_context=True)
def nav_state(context, href, exact=False):
    """``{% nav_state href as state %}``: "page" on that page, "true" below it, else ""."""
    return _current(context, href, exact)


@register.simple_tag(takes_context=True)
def nav_current(context, href):
    """`` aria-current="page"`` when the request is for ``href`` itself, else nothing."""
    if _current(context, href, exact=True):
        return mark_safe(' aria-current="page"')
    return ""


# -- RAG ratings: the words and colour keys come from Rag --------------------------------


@register.filter
def rag_class(value):
    """``{{ action.rag|rag_class }}`` → ``app-rag--red``."""
    return f"app-rag--{Rag.key_for(value)}"


@register.simple_tag
def rag_tag(value, label=""):
    """The rating as a tag whose text is the word: colour is never the only signal."""
    key = Rag.key_for(value)
    word = label or Rag.label_for(Rag.from_form(key))
    return format_html('<strong class="govuk-tag app-rag app-rag--{}">{}</strong>', key, word)


@register.filter
def chart_segments(segments):
    """Bar widths for the RAG chart, in whole percent, adding up to exactly 100.

    Takes the segments of one bar (dicts or objects with a ``count``) and returns
    dicts with the same keys plus ``width`` (0-100, for the ``app-w-N`` classes),
    shared out by largest remainder so rounding never overflows the bar.
    """
    rows = [dict(s) if isinstance(s, dict) else {**vars(s)} for s in segments or []]
    total = sum(int(row.get("count") or 0) for row in rows)
    if not total:
        return [{**row, "width": 0} for row in rows]
    exact = [100 * int(row.get("count") or 0) / total for row in rows]
    widths = [int(share) for share in exact]
    by_remainder = sorted(range(len(rows)), key=lambda i: exact[i] - widths[i], reverse=True)
    for i in by_remainder[: 100 - sum(widths)]:
        widths[i] += 1
    return [{**row, "width": width} for row, width in zip(rows, widths, strict=True)]


@register.filter(name="rag_key")
def rag_key_filter(value):
    """``{{ segment.rag|rag_key }}`` → red, amber, green, blue or none."""
    return Rag.key_for(value)
