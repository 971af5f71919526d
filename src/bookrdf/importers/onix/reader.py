"""Read one ONIX Product element, marking what is taken; what is left is reported, not dropped."""

from __future__ import annotations

from bookrdf.errors import Problem
from bookrdf.importers.onix.text import code, plain, rich
from bookrdf.importers.xmlsafe import Element, element_text

# Trade data (prices, supply, sales rights) and message bookkeeping: out of scope for a
# bibliographic record, so not reported. Every other element left unread is reported.
IGNORED = {
    # bookkeeping and technical product detail
    "RecordReference", "NotificationType", "DeletionCode", "DeletionText", "RecordSourceType",
    "RecordSourceIdentifierType", "RecordSourceIdentifier", "RecordSourceName",
    "ProductComposition", "ProductFormDetail", "ProductFormFeature", "ProductFormDescription",
    "PrimaryContentType", "ProductContentType", "EpubType", "EpubTypeVersion", "EpubFormat",
    "EpubFormatVersion", "EpubTechnicalProtection", "EpubUsageConstraint", "EpubLicense",
    "TitleElementLevel", "ContentAudience", "TextFormat", "SequenceNumber", "Barcode",
    "TradeCategory", "ProductPackaging", "ProductClassification", "CountryOfManufacture",
    # trade: availability, prices and where the product may be sold
    "PublishingStatus", "PublishingStatusNote", "SalesRights", "NotForSale", "SalesRestriction",
    "ROWSalesRightsType", "MarketRepresentation", "SupplyDetail", "ProductSupply",
    "ProductAvailability", "Price",
}  # fmt: skip
_SUMMARY = 80


class Reader:
    """Takes values from one product and remembers which elements it took."""

    def __init__(self, product: Element, source: str) -> None:
        self.product = product
        self.source = source
        self.used: set[Element] = set()
        self.entered: set[Element] = set()
        self.warnings: list[Problem] = []

    def all(self, parent: Element | None, path: str) -> list[Element]:
        """The elements at a path below parent ('TitleDetail/TitleElement')."""
        found = [] if parent is None else [parent]
        for step in path.split("/"):  # iterchildren: a few times faster than find()
            found = [child for node in found for child in node.iterchildren(step)]
        return found

    def first(self, parent: Element | None, path: str) -> Element | None:
        found = self.all(parent, path)
        return found[0] if found else None

    def take(self, element: Element) -> Element:
        """Mark an element, all it holds, as read."""
        self.used.add(element)
        node = element.getparent()
        while node is not None and node not in self.entered:
            self.entered.add(node)
            node = node.getparent()
        return element

    def code(self, parent: Element | None, path: str) -> str | None:
        """The code value at a path ('01'), taken; None when absent."""
        element = self.first(parent, path)
        return None if element is None else code(self.take(element))

    def peek(self, parent: Element | None, path: str) -> str | None:
        """The code value at a path, not taken: for type codes that decide whether to read."""
        return code(self.first(parent, path))

    def code_of(self, element: Element) -> str | None:
        """The code value of an element, taken."""
        return code(self.take(element))

    def text(self, parent: Element | None, path: str) -> str | None:
        """The plain text at a path, taken; None when absent or empty."""
        element = self.first(parent, path)
        return None if element is None else self.value(element)

    def value(self, element: Element) -> str | None:
        """The plain text of an element, taken."""
        return plain(self.take(element), lambda ref: self._unknown(element, ref))

    def rich(self, element: Element) -> str | None:
        """The paragraphs of a text element (XHTML or HTML stripped), taken."""
        return rich(self.take(element), lambda ref: self._unknown(element, ref))

    def warn(self, element: Element, message: str) -> None:
        self.warnings.append(Problem(self.source, element.sourceline, self.path(element), message))

    def left_out(self, element: Element, why: str = "has no place in a bookrdf record") -> None:
        """Report an element (and all it holds) as not mapped, and count it as handled."""
        self.warn(self.take(element), f'"{self.summary(element)}" {why}; left out')

    def path(self, element: Element) -> str:
        """'Product/DescriptiveDetail/Extent': where an element sits in its product."""
        names = []
        node = element
        while node is not None and node is not self.product.getparent():
            names.append(str(node.tag))
            node = node.getparent()
        return "/".join(reversed(names))

    def summary(self, element: Element) -> str:
        """A leaf's text, or a composite's leaves as 'Name value, Name value'."""
        if not any(isinstance(child.tag, str) for child in element):
            value = " ".join(element_text(element).split())
        else:
            value = ", ".join(
                f"{leaf.tag} {' '.join(element_text(leaf).split())}"
                for leaf in element.iter()
                if isinstance(leaf.tag, str)
                and not any(isinstance(c.tag, str) for c in leaf)
                and element_text(leaf).strip()
            )
        return value if len(value) <= _SUMMARY else value[: _SUMMARY - 3] + "..."

    def report_unread(self) -> None:
        """Report every element with content that nothing read, composites as a whole."""
        for child in self.product:
            self._report(child)

    def _report(self, element: Element) -> None:
        if not isinstance(element.tag, str) or element in self.used:
            return
        if element in self.entered:
            for child in element:
                self._report(child)
        elif element.tag not in IGNORED and element_text(element).strip():
            self.left_out(element)

    def _unknown(self, element: Element, reference: str) -> None:
        self.warn(element, f"the entity {reference} is not a known character; kept as written")
