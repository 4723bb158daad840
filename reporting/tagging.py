"""Finishing the board pack's tags: the structure tree a screen reader walks.

WeasyPrint tags the PDF (PDF/UA-1) page by page, as its boxes land on each page. That
leaves four things an accessibility checker or a screen reader trips over, which
``finish_tags`` puts right after layout, through WeasyPrint's documented ``finisher``
hook (``write_pdf(finisher=...)``, called with the ``pydyf.PDF`` just before it is
written). It works on the PDF objects only: no WeasyPrint internals.

- **Rows that run on to the next page** become two rows, one a page, so a reader would
  hear the first part of the Action, then the first part of the Outcome ..., then the
  rest of the Action. A row on a new page whose first cell (the ref) is empty is the
  rest of the row before it: its cells' contents are moved to the end of that row's
  cells, so each cell reads whole, Action before Outcome.
- **Empty structure elements** (a table row's cells on the page where the row ends, the
  empty rows that end each action for the "continued" marker, anonymous boxes with no
  text) are taken out of the tree.
- **Header cells** get ``/Scope`` (Column in a table's head, Row elsewhere), and cells
  that span the whole table (a section's heading row) stop claiming every column's
  header as theirs.
- **Header IDs**: the ``/Headers`` of each cell refer to ``/ID`` s of header cells;
  an ``/IDTree`` in the structure tree root lists them, and a reference to a header
  that is not in the tree is dropped.

A kid array of one element becomes that element (the PDF allows either): smaller, and
some checkers only follow the single form.
"""

import pydyf

CELLS = ("/TD", "/TH")


class Tree:
    """The structure elements of a ``pydyf.PDF``, looked up by reference."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.root = self.get(pdf.catalog["StructTreeRoot"])
        pages = pdf.pages["Kids"][::3]
        self.page_index = {f"{number} 0 R".encode(): index for index, number in enumerate(pages)}

    def get(self, reference):
        return self.pdf.objects[int(reference.split()[0])]

    @staticmethod
    def items(element):
        """What ``/K`` holds, as a list (it may be one item or an array)."""
        kids = element.get("K", ())
        return list(kids) if isinstance(kids, list) else [kids]

    def kids(self, element):
        """The structure elements directly under ``element``."""
        return [self.get(kid) for kid in self.items(element) if self.is_element_ref(kid)]

    def is_element_ref(self, kid):
        return isinstance(kid, bytes) and self.get(kid).get("Type") == "/StructElem"

    def walk(self, element=None):
        """Every structure element, in reading order, parents first."""
        stack = [element or self.root]
        while stack:
            node = stack.pop()
            stack.extend(reversed(self.kids(node)))
            if node is not self.root:
                yield node

    def has_content(self, element, memo):
        """Whether anything on a page (text, an image, a link) is tagged under it."""
        key = id(element)
        if key not in memo:
            memo[key] = any(
                not isinstance(kid, bytes)  # a marked-content id
                or not self.is_element_ref(kid)  # an annotation (OBJR) or marked content ref
                or self.has_content(self.get(kid), memo)
                for kid in self.items(element)
            )
        return memo[key]

    def role(self, element):
        return element.get("S")

    def children_with_role(self, element, *roles):
        return [kid for kid in self.kids(element) if self.role(kid) in roles]

    def rows(self, table):
        """The rows of a table element, through its THead, TBody and TFoot."""
        rows = []
        for kid in self.kids(table):
            if self.role(kid) == "/TR":
                rows.append(kid)
            elif self.role(kid) in ("/THead", "/TBody", "/TFoot"):
                rows.extend(self.children_with_role(kid, "/TR"))
        return rows

    def body_rows(self, table):
        return [
            row
            for group in self.children_with_role(table, "/TBody")
            for row in self.children_with_role(group, "/TR")
        ]

    def page_of(self, element):
        return self.page_index.get(element.get("Pg"))


def finish_tags(document, pdf):
    """The ``finisher`` for ``write_pdf``: see the module's docstring."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    tree = Tree(pdf)
    join_rows_split_across_pages(tree)
    remove_empty_elements(tree)
    scope_header_cells(tree)
    list_header_ids(tree)
    unwrap_single_kids(tree)


def join_rows_split_across_pages(tree):
    tables = [element for element in tree.walk() if tree.role(element) == "/Table"]
    for previous, table in zip(tables, tables[1:], strict=False):
        rows, earlier = tree.body_rows(table), tree.body_rows(previous)
        pages = tree.page_of(previous), tree.page_of(table)
        if not rows or not earlier or None in pages or pages[1] != pages[0] + 1:
            continue
        rest, row = rows[0], earlier[-1]
        if _is_rest_of(tree, rest, row):
            _move_cells(tree, rest, row)


def _is_rest_of(tree, rest, row):
    """Whether ``rest`` (the first row on a page) is the end of ``row`` (the last on the
    page before): the same cells, an empty first cell (the ref is never split), and
    nothing but structure elements in its cells."""
    cells, row_cells = tree.children_with_role(rest, *CELLS), tree.children_with_role(row, *CELLS)
    if not cells or len(cells) != len(row_cells) or len(cells) != len(tree.kids(rest)):
        return False
    memo = {}
    if tree.has_content(cells[0], memo) or not tree.has_content(rest, memo):
        return False
    return all(tree.is_element_ref(kid) for cell in cells for kid in tree.items(cell))


def _move_cells(tree, rest, row):
    for cell, target in zip(
        tree.children_with_role(rest, *CELLS), tree.children_with_role(row, *CELLS), strict=True
    ):
        for kid in tree.items(cell):
            tree.get(kid)["P"] = target.reference
            target["K"].append(kid)
        cell["K"] = pydyf.Array()
    # The emptied row and its cells are taken out by remove_empty_elements().


def remove_empty_elements(tree):
    memo = {}
    for element in [tree.root, *tree.walk()]:
        items = tree.items(element)
        kept = [
            kid
            for kid in items
            if not tree.is_element_ref(kid) or tree.has_content(tree.get(kid), memo)
        ]
        if len(kept) != len(items):
            for kid in items:
                if kid not in kept:
                    _discard(tree, tree.get(kid))
            element["K"] = pydyf.Array(kept)


def _discard(tree, element):
    """An element out of the tree is left as an empty dictionary: pydyf writes every
    object it was given, and nothing refers to this one any more."""
    for kid in tree.kids(element):
        _discard(tree, kid)
    element.clear()


def scope_header_cells(tree):
    for table in tree.walk():
        if tree.role(table) != "/Table":
            continue
        groups = tree.children_with_role(table, "/THead")
        head = {id(row) for group in groups for row in tree.kids(group)}
        rows = [(row, tree.children_with_role(row, *CELLS)) for row in tree.rows(table)]
        width = max((_width(cells) for _, cells in rows), default=0)
        for row, cells in rows:
            for cell in cells:
                attributes = cell.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
                if tree.role(cell) == "/TH":
                    attributes["Scope"] = "/Column" if id(row) in head else "/Row"
                elif width > 1 and attributes.get("ColSpan", 1) >= width:
                    attributes.pop("Headers", None)


def _width(cells):
    return sum(cell.get("A", {}).get("ColSpan", 1) for cell in cells)


def list_header_ids(tree):
    ids = {}
    for element in tree.walk():
        if "ID" in element:
            ids[element["ID"].string] = element.reference
    for element in tree.walk():
        attributes = element.get("A")
        if attributes is not None and "Headers" in attributes:
            known = [header for header in attributes["Headers"] if header.string in ids]
            if known:
                attributes["Headers"] = pydyf.Array(known)
            else:
                del attributes["Headers"]
    if ids:
        names = pydyf.Array()
        for key in sorted(ids):  # a name tree is sorted; the IDs are ASCII
            names.extend([pydyf.String(key), ids[key]])
        id_tree = pydyf.Dictionary({"Names": names})
        tree.pdf.add_object(id_tree)
        tree.root["IDTree"] = id_tree.reference


def unwrap_single_kids(tree):
    for element in list(tree.walk()):
        kids = element.get("K")
        if isinstance(kids, list) and len(kids) == 1:
            element["K"] = kids[0]
