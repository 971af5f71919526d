"""MARC name fields (100/110/111, 700/710/711) and 245 $c statements -> contributors."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pymarc import Field

from bookrdf.importers.marc.isbd import bare
from bookrdf.importers.names import name_parts, people_in
from bookrdf.model import Role

Report = Callable[[Field, str, str], None]  # (field, subfield code, message)

# MARC relator terms ($e) and codes ($4); every other relator is a "contributor". AACR2's
# "joint author" (and "jt. ed.", "joint comp."…), in records catalogued before RDA, is
# that role shared with the name before it.
_ROLES: dict[str, Role] = {
    "author": "author", "aut": "author", "auth": "author",
    "editor": "editor", "edt": "editor", "ed": "editor", "editor of compilation": "editor",
    "edc": "editor", "compiler": "editor", "com": "editor", "comp": "editor",
    "translator": "translator", "trl": "translator", "tr": "translator",
    "trans": "translator",
}  # fmt: skip
_JOINT = re.compile(r"^(?:joint|jt\.?)\s+")
_SUFFIXES = re.compile(r"(Jr|Sr)\.?|[IVX]+", re.I)
_IDENTIFIERS = (
    ("orcid", re.compile(r"(?:https?://orcid\.org/|\(orcid\)\s*)(\S+)", re.I)),
    ("isni", re.compile(r"(?:https?://isni\.org/isni/|\(isni\)\s*)(\S+)", re.I)),
    ("viaf", re.compile(r"(?:https?://viaf\.org/viaf/|\(viaf\)\s*)([0-9]+)", re.I)),
    ("wikidata", re.compile(r"(?:https?://www\.wikidata\.org/(?:wiki|entity)/)(Q[0-9]+)", re.I)),
)


def contributor(field: Field, report: Report) -> list[dict[str, Any]]:
    """One entry per role of a name field; a name/title entry (with $t) is not a person. A
    corporate name (X10) or a meeting (X11) is an organisation: schema.org's author and
    contributor are a Person or an Organization, and a conference as a body is how catalogues
    treat it (DNB's Körperschaft, LC's corporate heading)."""
    if "t" in field:
        report(field, "", f'"{field.value()}" names a related work; left out')
        return []
    # A meeting (X11) names its subordinate unit in $e and its relator in $j; a person
    # (X00) or a body (X10) has its relator in $e ($j of X00 qualifies an attribution).
    units, relator = ("b", "e") if field.tag.endswith("10") else ("e", "j")
    corporate = field.tag.endswith(("10", "11"))
    name = bare(field.get("a", ""))
    if not name:
        report(field, "a", "names no one; left out")
        return []
    person: dict[str, Any] = {}
    if corporate:
        person["name"] = ". ".join([name, *(bare(b) for b in field.get_subfields(units))])
        person["kind"] = "organization"
    else:
        relator = "e"
        person = _personal_name(field, name, report)
    ids = _identifiers(field, report)
    if corporate and "orcid" in ids:
        report(field, "0", f'"{ids.pop("orcid")}" is an ORCID iD, which names a person; left out')
    if ids:
        person["identifiers"] = ids
    default: Role = "author" if field.tag.startswith("1") else "contributor"
    roles = [_role(term) for term in field.get_subfields(relator, "4")]
    read = ("abc" if not corporate else "a" + units) + relator + "401"
    for code, value in field.subfields:
        if code not in read + "68":
            report(field, code, f'"{value.strip()}" has no place in a bookrdf record; left out')
    return [{**person, "role": role} for role in dict.fromkeys(roles or [default])]


def _personal_name(field: Field, name: str, report: Report) -> dict[str, Any]:
    """'Lankov, Andrei N.' (first indicator 1: surname first) -> Andrei N. Lankov."""
    suffixes = [
        re.sub(r"^(Jr|Sr)$", r"\1.", bare(c), flags=re.I)
        for c in field.get_subfields("c")
        if _SUFFIXES.fullmatch(bare(c))
    ]
    for title in (c for c in field.get_subfields("c") if not _SUFFIXES.fullmatch(bare(c))):
        report(field, "c", f'"{bare(title)}" has no place in a bookrdf record; left out')
    numeration = " ".join(bare(b) for b in field.get_subfields("b"))
    if field.indicator1 == "1" and "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        full = f"{given} {family}"
        parts = {"given_name": given, "family_name": family} if given and family else {}
    else:
        full, parts = " ".join(p for p in (name, numeration) if p), {}
    if suffixes:
        full += ", " + ", ".join(suffixes)
    return {"name": full, **parts}


def _role(term: str) -> Role:
    key = term.strip().rstrip(".,").lower().rsplit("/", 1)[-1]
    return _ROLES.get(_JOINT.sub("", key, count=1), "contributor")


def _identifiers(field: Field, report: Report) -> dict[str, str]:
    found: dict[str, str] = {}
    for code in ("0", "1"):
        for value in field.get_subfields(code):
            for scheme, pattern in _IDENTIFIERS:
                match = pattern.fullmatch(value.strip())
                if match and scheme not in found:
                    found[scheme] = match[1]
                    break
            else:
                message = f'"{value.strip()}" is not an ORCID, ISNI, VIAF or Wikidata id; left out'
                report(field, code, message)
    return found


def people_from_statement(statement: str) -> list[dict[str, Any]] | None:
    """245 $c ('edited by Jane Doe and John Roe') as contributors, when it reads as names."""
    people = people_in(statement)
    if not people:
        return None
    return [{"name": name, "role": role, **name_parts(name)} for name, role in people]
