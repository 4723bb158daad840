"""A tagged PDF's structure tree read back with pypdf, with the text under each element:
what a screen reader walks, in the order it reads it.

The text of each marked-content sequence (page, MCID) comes from pypdf's text
extraction, following the BDC/EMC operators that open and close it.
"""

import io
import re
from dataclasses import dataclass, field
from functools import cached_property

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject


def squeeze(text):
    return re.sub(r"\s+", "", text)


@dataclass
class Element:
    role: str
    obj: DictionaryObject
    page: int | None
    kids: list = field(default_factory=list)  # Elements
    content: list = field(default_factory=list)  # (page, MCID) and "annotation"

    @property
    def attributes(self):
        found = self.obj.get("/A")
        if found is None:
            return {}
        found = found.get_object()
        if isinstance(found, ArrayObject):
            merged = {}
            for item in found:
                merged.update(item.get_object())
            return merged
        return dict(found)

    def descendants(self):
        for kid in self.kids:
            yield kid
            yield from kid.descendants()

    def pages(self):
        return {page for page, _ in self.all_content() if page is not None}

    def all_content(self):
        yield from (item for item in self.content if item != "annotation")
        for kid in self.kids:
            yield from kid.all_content()

    def has_content(self):
        return bool(self.content) or any(kid.has_content() for kid in self.kids)


class Structure:
    def __init__(self, pdf):
        self.reader = PdfReader(io.BytesIO(pdf))
        self.catalog = self.reader.trailer["/Root"]
        self.root = self.catalog["/StructTreeRoot"].get_object()
        self.page_of = {
            page.indirect_reference.idnum: index for index, page in enumerate(self.reader.pages)
        }
        self.elements = [self._build(kid, None)[1] for kid in self._items(self.root)]

    @staticmethod
    def _items(node):
        kids = node.get("/K")
        if kids is None:
            return []
        kids = kids.get_object() if hasattr(kids, "get_object") else kids
        return list(kids) if isinstance(kids, ArrayObject) else [kids]

    def _page(self, node, inherited):
        page = node.get("/Pg")
        return self.page_of[page.idnum] if page is not None else inherited

    def _build(self, reference, page):
        """The element at ``reference``, or what else a /K may hold: a marked-content id
        on a page, or an annotation."""
        node = reference.get_object()
        if not isinstance(node, DictionaryObject):
            return ("content", (page, int(node)))
        if node.get("/Type") == "/OBJR":
            return ("content", "annotation")
        if node.get("/Type") == "/MCR":
            return ("content", (self._page(node, page), int(node["/MCID"])))
        page = self._page(node, page)
        element = Element(role=str(node["/S"]), obj=node, page=page)
        for kid in self._items(node):
            kind, built = self._build(kid, page)
            (element.kids if kind == "element" else element.content).append(built)
        return ("element", element)

    def walk(self):
        for element in self.elements:
            yield element
            yield from element.descendants()

    def with_role(self, role):
        return [element for element in self.walk() if element.role == role]

    @cached_property
    def texts(self):
        """{(page, MCID): text} for every marked-content sequence with text."""
        found = {}
        for index, page in enumerate(self.reader.pages):
            open_ids = []

            def before(operator, operands, cm, tm, open_ids=open_ids):
                if operator == b"BDC":
                    properties = operands[1] if len(operands) > 1 else {}
                    open_ids.append(properties.get("/MCID") if hasattr(properties, "get") else None)
                elif operator == b"BMC":
                    open_ids.append(None)
                elif operator == b"EMC" and open_ids:
                    open_ids.pop()

            def text(chunk, cm, tm, font, size, open_ids=open_ids, index=index):
                if open_ids and open_ids[-1] is not None:
                    key = (index, int(open_ids[-1]))
                    found[key] = found.get(key, "") + chunk

            page.extract_text(visitor_operand_before=before, visitor_text=text)
        return found

    def text(self, element):
        """The text under ``element``, in reading order."""
        return " ".join(self.texts.get(item, "") for item in element.all_content()).strip()

    def id_tree(self):
        """{ID: element object} from the structure tree root's /IDTree (a name tree)."""
        found = {}

        def read(node):
            node = node.get_object()
            names = node.get("/Names", [])
            for key, value in zip(names[::2], names[1::2], strict=True):
                found[str(key)] = value.get_object()
            for kid in node.get("/Kids", []):
                read(kid)

        if "/IDTree" in self.root:
            read(self.root["/IDTree"])
        return found
