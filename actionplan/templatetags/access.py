"""Template questions about what the viewer may do; the answers come from access.py."""

from django import template

from actionplan.access import allowed

from ..access import RULES

register = template.Library()


@register.filter
def may_add_evidence(viewer, action):
    return viewer.may_add_evidence(action)


@register.filter
def may_edit_evidence(viewer, entry):
    return viewer.may_edit_evidence(entry)


@register.filter
def may_rate(viewer, action):
    return viewer.may_rate(action)


@register.filter
def may_withdraw_attachment(viewer, attachment):
    return not attachment.is_withdrawn and viewer.may_edit_evidence(attachment.entry)


@register.filter
def person_controls(viewer, person):
    """What the viewer may do to ``person``: {% with may=viewer|person_controls:person %}."""
    return allowed(viewer, "person", person)


@register.filter
def may_define_ratings(viewer, plan):
    return RULES["plan"]["define_ratings"](viewer, plan)


@register.filter
def may_review(viewer, plan):
    return RULES["plan"]["review"](viewer, plan)
