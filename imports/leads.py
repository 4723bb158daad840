"""A lead cell's words matched to the agencies, groups and posts already known.

Boards write leads many ways: "Awaken", "Pan Lancs CSE SG" (an alias), "Head of
Public Protection Lancs. Police" (a post, then its agency), "Blackpool CSE Priority
Group - Chair" (the agency, then a post), "Head of PP Lancs. Police" (the post's
initials). A cell is split into leads at line breaks, "/" and ";"; each lead is matched
in this order:

1. the whole text is an agency's name, slug or alias ("also known as");
2. the whole text is a post's title, and only one agency has that post;
3. an agency's name or alias starts or ends the text (the longest wins) and the rest
   is a post: an existing post of that agency if the words match (initials allowed),
   otherwise a new post, unless the rest starts in lower case ("to meet and discuss"),
   which is kept only in the words as written;
4. otherwise a new agency or group of that name, created when the import is confirmed.
"""

import re
from dataclasses import dataclass

from django.utils.text import slugify

from agencies.models import Agency, Post

GROUP_WORDS = {"group", "board", "partnership", "subgroup", "sub", "panel", "forum", "sg"}
GROUP_WORDS |= {"committee", "network", "team", "partners"}


def words(text):
    """The words of ``text`` as compared: lower case, no apostrophes, punctuation as spaces."""
    text = re.sub(r"['’`]", "", text or "").lower()
    return tuple(re.sub(r"[^\w]+", " ", text).split())


def split_cell(paragraphs):
    """The leads of a cell, each as written, in order, once each."""
    seen, leads = set(), []
    for paragraph in paragraphs:
        for piece in re.split(r"[/;\n]", paragraph):
            piece = " ".join(piece.split()).strip(" ,-–")
            if piece and words(piece) and words(piece) not in seen:
                seen.add(words(piece))
                leads.append(piece)
    return leads


@dataclass
class NewAgency:
    """An agency or group the import will create."""

    name: str
    kind: str

    @property
    def slug(self):
        return slugify(self.name)[:80] or "agency"


@dataclass
class Lead:
    as_written: str
    agency: object  # Agency, or NewAgency
    post_title: str = ""
    post: Post | None = None

    @property
    def agency_name(self):
        return self.agency.name

    @property
    def is_new_agency(self):
        return isinstance(self.agency, NewAgency)

    @property
    def is_new_post(self):
        return bool(self.post_title) and self.post is None

    @property
    def key(self):
        return (self.agency_name.lower(), self.post_title.lower())

    @property
    def label(self):
        return f"{self.post_title}, {self.agency_name}" if self.post_title else self.agency_name


class LeadMatcher:
    """Matches lead words to agencies and posts; remembers the new ones it names, so two
    actions led by the same new group share it."""

    def __init__(self):
        self.names = {}  # words -> Agency or NewAgency
        for agency in Agency.objects.all():
            for name in [agency.name, agency.slug.replace("-", " ")]:
                self.names.setdefault(words(name), agency)
            for alias in agency.also_known_as.split(","):
                if words(alias):
                    self.names.setdefault(words(alias), agency)
        self.posts = {}  # words -> [Post]
        for post in Post.objects.select_related("agency"):
            self.posts.setdefault(words(post.title), []).append(post)
        self.new_agencies = []

    def agency(self, text, kind=None):
        """The agency or group called ``text``, or a new one (kind guessed from its words)."""
        found = self.names.get(words(text))
        if found is None:
            if kind is None:
                kind = Agency.Kind.GROUP if GROUP_WORDS & set(words(text)) else Agency.Kind.AGENCY
            found = NewAgency(" ".join(text.split()), kind)
            self.names[words(text)] = found
            self.new_agencies.append(found)
        return found

    def match(self, text):
        key = words(text)
        if key in self.names:
            return Lead(text, self.names[key])
        posts = self.posts.get(key, [])
        if len(posts) == 1:
            return Lead(text, posts[0].agency, posts[0].title, posts[0])
        split = self._split(text)
        if split is None:
            return Lead(text, self.agency(text))
        agency, rest = split
        if not rest or rest[0].islower():
            return Lead(text, agency)
        post = self._post_of(agency, rest)
        return Lead(text, agency, post.title if post else rest, post)

    def _split(self, text):
        """(agency, the rest as written) for the longest agency name that starts or ends
        the text at a word boundary; None if none does."""
        pieces = text.split()
        best = None
        for cut in range(1, len(pieces)):
            for named, rest in ((pieces[:cut], pieces[cut:]), (pieces[cut:], pieces[:cut])):
                key = words(" ".join(named))
                agency = self.names.get(key)
                if agency is not None and (best is None or len(key) > best[0]):
                    best = (len(key), agency, " ".join(rest).strip(" ,-–:"))
        return best and best[1:]

    def _post_of(self, agency, title):
        if isinstance(agency, NewAgency):
            return None
        for candidates in self.posts.values():
            for post in candidates:
                if post.agency_id == agency.pk and _same_title(title, post.title):
                    return post
        return None


def _same_title(written, title):
    """ "Head of PP" is "Head of Public Protection": an all-capitals word may stand for the
    initials of as many words."""
    written, full = written.split(), words(title)
    at = 0
    for word in written:
        if word.isupper() and len(word) > 1 and word.isalpha():
            initials = "".join(w[0] for w in full[at : at + len(word)])
            if initials != word.lower():
                if words(word) != full[at : at + 1]:
                    return False
                at += 1
                continue
            at += len(word)
        else:
            if words(word) != full[at : at + len(words(word))]:
                return False
            at += len(words(word))
    return at == len(full)
