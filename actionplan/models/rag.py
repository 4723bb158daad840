"""The RAG rating: its values, order, words and colours, in one place."""

from django.db import models

# The value a form sends for "not rated" (a blank radio or option means "nothing chosen"),
# and the key for its colour.
NOT_RATED = "none"
NOT_RATED_LABEL = "Not rated"
# GOV.UK colours (fill, ink) by key: text on amber and grey is black, on the others
# white, for contrast. The web pages use the same colours from app.scss.
COLOURS = {
    "red": ("#d4351c", "#ffffff"),
    "amber": ("#f47738", "#0b0c0c"),
    "green": ("#00703c", "#ffffff"),
    "blue": ("#1d70b8", "#ffffff"),
    NOT_RATED: ("#b1b4b6", "#0b0c0c"),
}


class Rag(models.TextChoices):
    """The RAG rating of an action. Blue means complete; blank means not rated yet.

    Everything about ratings lives here: the order (for "went up" / "went down"),
    the words (``label_for``, "Not rated"), the key used for colours in CSS and the
    pack (``key_for``: red, amber, green, blue or none), the colours themselves
    (``fill``, ``ink``), and the choices a form
    offers, "Not rated" included (``form_choices``, sent as ``NOT_RATED``).
    """

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"

    @classmethod
    def label_for(cls, value):
        """The word for a rating value; "Not rated" for a blank one."""
        value = cls.from_form(value)
        return cls(value).label if value else NOT_RATED_LABEL

    @classmethod
    def key_for(cls, value):
        """red, amber, green, blue, or none (not rated): the colour key for CSS classes."""
        value = getattr(value, "value", value)
        value = str(value).strip().lower() if value not in ("", None) else ""
        return value if value in cls.values else NOT_RATED

    @classmethod
    def fill(cls, value):
        """The colour a rating is filled with (hex, GOV.UK palette)."""
        return COLOURS[cls.key_for(value)][0]

    @classmethod
    def ink(cls, value):
        """The colour of text on that fill."""
        return COLOURS[cls.key_for(value)][1]

    @classmethod
    def columns(cls):
        """(value, word) for each rating, "not rated" last: the columns of a count table."""
        return [(value, cls.label_for(value)) for value in cls.in_order()]

    @classmethod
    def form_choices(cls):
        """Every rating, then "Not rated", as a form offers them."""
        return [*cls.choices, (NOT_RATED, NOT_RATED_LABEL)]

    @classmethod
    def from_form(cls, value):
        """A form's value to the stored one: "none" (not rated) becomes blank."""
        return "" if value in (NOT_RATED, None) else value

    @classmethod
    def to_form(cls, value):
        """A stored value to the form's: blank (not rated) becomes "none"."""
        return value or NOT_RATED

    @classmethod
    def in_order(cls):
        """The values as the dashboard and the pack list them, "not rated" last."""
        return [cls.RED, cls.AMBER, cls.GREEN, cls.BLUE, ""]

    @classmethod
    def rank(cls, value):
        """Red 1, Amber 2, Green 3, Blue 4: higher is better. Not rated has no rank."""
        return {cls.RED: 1, cls.AMBER: 2, cls.GREEN: 3, cls.BLUE: 4}.get(value)

    @classmethod
    def direction(cls, old, new):
        """ "up", "down", "same", "first rated" or "unrated" for a change of rating."""
        if old == new:
            return "same"
        if not old:
            return "first rated"
        if not new:
            return "unrated"
        return "up" if cls.rank(new) > cls.rank(old) else "down"


# Every value a rating column may hold: the ratings, and blank for not rated.
RAG_VALUES = [*Rag.values, ""]
