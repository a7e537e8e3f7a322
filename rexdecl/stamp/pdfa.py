"""What ``rexdecl stamp`` does so that a PDF/A document stays PDF/A with the statement on it.

A stamped PDF/A file must conform to the same part and level as the input (ISO 19005-1,
-2, -3, -4). The original content, metadata, output intent and attachments (an e-invoice's
XML) are copied untouched; what is added is made to meet the part's requirements:

- fonts: the block's TrueType subsets are embedded with a ``/CIDSet`` for PDF/A-1 (6.3.5;
  the block is rendered as PDF 1.4 for that), and with ``/ToUnicode`` always (levels A, U);
- colours: the block is black and grey; it is written in ``DeviceGray`` (any other colour
  converted to its grey), which every PDF/A part allows under an output intent of any colour
  model (RGB or CMYK). A file that claims PDF/A but has no output intent gets one (sRGB,
  the profile the project ships), as a file without it does not conform anyway;
- transparency: none (no soft mask, no group; ``/ca`` 1 only), as PDF/A-1 requires;
- structure: in a tagged file (level A, or any ``/MarkInfo /Marked``) the block is marked
  content with an MCID, a ``/P`` structure element (with the statement's language) in the
  structure tree and its entry in the parent tree.

The XMP metadata is kept as it is: nothing it describes (title, dates, producer, PDF/A
identification) changes, and the document information dictionary is copied too, so the two
stay consistent.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from rexdecl.stamp import renderer

__all__ = ["PdfA", "claimed", "ensure_output_intent", "greyed", "is_tagged", "srgb_profile", "tag_block"]

SRGB_PROFILE = "sRGB2014.icc"
MAX_XMP_BYTES = 4 * 1024 * 1024
MAX_TREE_DEPTH = 32
MAX_PARENT_TREE_NODES = 10_000

_PART = re.compile(rb"pdfaid:part\s*(?:=\s*[\"']\s*|>\s*)(\d)")
_CONFORMANCE = re.compile(rb"pdfaid:conformance\s*(?:=\s*[\"']\s*|>\s*)([A-Za-z])")


@dataclass(frozen=True)
class PdfA:
    """The PDF/A identification a file's XMP metadata claims."""

    part: int
    conformance: str  # "A", "B", "U" (1-3), "E", "F" or "" (4)

    def __str__(self) -> str:
        return f"PDF/A-{self.part}{self.conformance.lower()}"


def claimed(reader: Any) -> PdfA | None:
    """The PDF/A part and level the document's XMP metadata claims, if any."""
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is None:
        return None
    stream = metadata.get_object()
    if not hasattr(stream, "get_data"):
        return None
    data = stream.get_data()[:MAX_XMP_BYTES]
    part = _PART.search(data)
    if not part:
        return None
    conformance = _CONFORMANCE.search(data)
    return PdfA(int(part.group(1)), conformance.group(1).decode().upper() if conformance else "")


# -- colours -------------------------------------------------------------------------------


def _grey_of(values: list[float]) -> float:
    """The grey of an RGB, CMYK or grey colour (luminance; CMYK as printed on white)."""
    if len(values) == 3:
        r, g, b = values
        grey = 0.299 * r + 0.587 * g + 0.114 * b
    elif len(values) == 4:
        c, m, y, k = values
        grey = (1 - min(1.0, c + k)) * 0.299 + (1 - min(1.0, m + k)) * 0.587 + (1 - min(1.0, y + k)) * 0.114
    else:
        grey = values[0] if values else 0.0
    return min(1.0, max(0.0, grey))


def greyed(content: bytes) -> bytes:
    """The block's content stream with every colour in DeviceGray."""
    from pypdf.generic import ContentStream, DecodedStreamObject, FloatObject, NameObject

    stream = DecodedStreamObject()
    stream.set_data(content)
    parsed = ContentStream(stream, None)
    operations: list[tuple[list[Any], bytes]] = []
    for operands, operator in parsed.operations:
        numbers = [float(v) for v in operands if isinstance(v, (int, float))]
        stroke = operator in (b"RG", b"K", b"SC", b"SCN", b"CS")
        if operator in (b"rg", b"RG", b"k", b"K", b"sc", b"scn", b"SC", b"SCN") and len(numbers) == len(operands):
            grey = FloatObject(round(_grey_of(numbers), 4))
            operations.append(([grey], b"G" if stroke else b"g"))
        elif operator in (b"cs", b"CS") and operands != ["/Pattern"]:
            operations.append(([NameObject("/DeviceGray")], operator))
        else:
            operations.append((operands, operator))
    parsed.operations = operations
    data: bytes = parsed.get_data()
    return data


@functools.cache
def srgb_profile() -> bytes:
    """The sRGB ICC profile (version 2, as PDF/A-1 needs) the project ships."""
    return renderer.template_bytes(SRGB_PROFILE)


def ensure_output_intent(writer: Any, pdfa: PdfA) -> bool:
    """Give a file that claims PDF/A an sRGB PDF/A output intent when it has none.
    Returns whether one was added."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    root = writer._root_object
    intents = root.get("/OutputIntents")
    intents = intents.get_object() if intents is not None else None
    if intents and any(getattr(i.get_object(), "get", lambda _k: None)("/S") == "/GTS_PDFA1" for i in intents):
        return False
    profile = DecodedStreamObject()
    profile.set_data(srgb_profile())
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/RegistryName"): TextStringObject("http://www.color.org"),
            NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/DestOutputProfile"): writer._add_object(profile.flate_encode()),
        }
    )
    reference = writer._add_object(intent)
    if isinstance(intents, list):
        intents.append(reference)
    else:
        root[NameObject("/OutputIntents")] = ArrayObject([reference])
    return True


# -- logical structure -------------------------------------------------------------------------


def _find_in_number_tree(node: Any, key: int, depth: int = 0) -> Any:
    """The value of ``key`` in a number tree (``/Nums`` leaves, ``/Kids`` nodes)."""
    if node is None or depth > MAX_TREE_DEPTH:
        return None
    node = node.get_object()
    nums = node.get("/Nums")
    if nums is not None:
        nums = nums.get_object()
        for index in range(0, len(nums) - 1, 2):
            if int(nums[index]) == key:
                return nums[index + 1]
    for kid in node.get("/Kids", []) or []:
        limits = kid.get_object().get("/Limits")
        if limits is not None and len(limits) == 2 and not int(limits[0]) <= key <= int(limits[1]):
            continue
        found = _find_in_number_tree(kid, key, depth + 1)
        if found is not None:
            return found
    return None


def _largest_key(node: Any, depth: int = 0) -> int:
    if node is None or depth > MAX_TREE_DEPTH:
        return -1
    node = node.get_object()
    largest = -1
    nums = node.get("/Nums")
    if nums is not None:
        nums = nums.get_object()
        largest = max([int(nums[i]) for i in range(0, len(nums) - 1, 2)] or [-1])
    for kid in node.get("/Kids", []) or []:
        largest = max(largest, _largest_key(kid, depth + 1))
    return largest


def is_tagged(writer: Any) -> bool:
    """Whether the document is tagged (marked, with a structure tree)."""
    root = writer._root_object
    mark = root.get("/MarkInfo")
    marked = bool(mark.get_object().get("/Marked", False)) if mark is not None else False
    return marked and root.get("/StructTreeRoot") is not None


def tag_block(writer: Any, page: Any, page_content: bytes, language: str) -> tuple[bytes, bytes]:
    """Make the block drawn on ``page`` tagged content: a ``/P`` structure element (in the
    ``/Document`` element, or at the top of the tree) whose marked content is the drawing.

    Returns the operators that open and close the marked-content sequence around it.
    """
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        NullObject,
        NumberObject,
        TextStringObject,
    )

    root = writer._root_object
    tree = root["/StructTreeRoot"].get_object()
    if not isinstance(root.raw_get("/StructTreeRoot"), IndirectObject):
        root[NameObject("/StructTreeRoot")] = writer._add_object(tree)  # elements point back to it
    page_reference = page.indirect_reference

    # The element the block goes in: the document element when there is one.
    parent: Any = tree
    parent_reference = root.raw_get("/StructTreeRoot")
    kids = tree.get("/K")
    kids_object = kids.get_object() if kids is not None else None
    candidates = kids_object if isinstance(kids_object, list) else [kids] if kids is not None else []
    for kid in candidates:
        element = kid.get_object()
        if isinstance(element, dict) and element.get("/S") in ("/Document", "/Part", "/Sect", "/Div", "/Art"):
            parent, parent_reference = element, kid
            break

    # The page's entry in the parent tree: the structure element of each of its MCIDs.
    parent_tree = tree.get("/ParentTree")
    if parent_tree is None:
        parent_tree_object = DictionaryObject({NameObject("/Nums"): ArrayObject()})
        tree[NameObject("/ParentTree")] = writer._add_object(parent_tree_object)
        parent_tree = tree["/ParentTree"]
    key = page.get("/StructParents")
    entry = _find_in_number_tree(parent_tree, int(key)) if key is not None else None
    if entry is None:
        if key is None:
            next_key = tree.get("/ParentTreeNextKey")
            key = max(int(next_key) if next_key is not None else 0, _largest_key(parent_tree) + 1)
            page[NameObject("/StructParents")] = NumberObject(key)
            tree[NameObject("/ParentTreeNextKey")] = NumberObject(int(key) + 1)
        entry = writer._add_object(ArrayObject())
        node = parent_tree.get_object()
        if node.get("/Nums") is not None or node.get("/Kids") is None:
            nums = node.get("/Nums")
            nums = nums.get_object() if nums is not None else ArrayObject()
            position = len(nums)
            for index in range(0, len(nums) - 1, 2):
                if int(nums[index]) > int(key):
                    position = index
                    break
            nums[position:position] = [NumberObject(key), entry]
            node[NameObject("/Nums")] = nums
        else:  # a tree with kids only: a new leaf after the others (the key is the largest)
            leaf = DictionaryObject(
                {
                    NameObject("/Nums"): ArrayObject([NumberObject(key), entry]),
                    NameObject("/Limits"): ArrayObject([NumberObject(key), NumberObject(key)]),
                }
            )
            node["/Kids"].get_object().append(writer._add_object(leaf))
    entries = entry.get_object()
    used = [int(m) for m in re.findall(rb"/MCID\s+(\d+)", page_content)]
    mcid = max([len(entries), *(m + 1 for m in used)])
    while len(entries) < mcid:
        entries.append(NullObject())

    element = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/P"),
            NameObject("/P"): parent_reference if parent_reference is not None else parent,
            NameObject("/Pg"): page_reference,
            NameObject("/K"): NumberObject(mcid),
            NameObject("/Lang"): TextStringObject(language),
        }
    )
    element_reference = writer._add_object(element)
    entries.append(element_reference)
    existing = parent.get("/K")
    if existing is None:
        parent[NameObject("/K")] = ArrayObject([element_reference])
    else:
        target = existing.get_object()
        if isinstance(target, list):
            target.append(element_reference)
        else:
            parent[NameObject("/K")] = ArrayObject([existing, element_reference])
    return f"/P <</MCID {mcid}>> BDC\n".encode("ascii"), b"\nEMC"
