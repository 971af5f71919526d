"""People in bibliographic text: "Edited by A and B", "A, B, and C", and given/family names.

Shared by the importers; every rule here is conservative: when a line may not be a list of
people, or a name's parts are not plain, it says so (None, or no parts) rather than guess.
"""

from __future__ import annotations

import re

_ROLES = (
    (r"edited and translated by", ("editor", "translator")),
    (r"(?:edited|ed\.|compiled) by", ("editor",)),
    (r"(?:translated|trans\.) by", ("translator",)),
    (r"(?:with )?(?:an? )?(?:foreword|introduction|afterword) by", ("contributor",)),
    (r"with", ("author",)),  # "by A, with B": a co-author (after the phrases it begins)
    (r"by", ("author",)),  # only at the start of a line
)
_NAME_SPLIT = re.compile(r"\s*,\s*(?:and|&)\s+|\s+(?:and|&)\s+|\s*[,;]\s*")
_PARTICLES = {"de", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "du",
              "dos", "bin", "ibn", "al", "y"}  # fmt: skip
_SUFFIXES = {"Jr.", "Sr.", "II", "III", "IV"}
_NOT_NAMES = {"The", "A", "An", "Of", "In", "On", "At", "For", "To", "From", "With", "Why",
              "How", "What", "When", "Where", "Who", "Is", "Are", "Its", "Our", "New"}  # fmt: skip
# Romanised East Asian names are often written family name first; do not guess the order.
_EAST_ASIAN_FAMILY = {"Kim", "Lee", "Yi", "Park", "Pak", "Choi", "Jung", "Chung", "Kang", "Cho",
                      "Yoon", "Han", "Shin", "Sin", "Oh", "Kwon", "Hwang", "Ahn", "Song", "Hong",
                      "Ryu", "Wang", "Li", "Zhang", "Liu", "Chen", "Zhao", "Zhou", "Xu", "Sun",
                      "Hu", "Guo", "Lin", "Mao", "Deng", "Ma", "Wu"}  # fmt: skip
_LATIN_WORD = re.compile(r"[A-ZÀ-Þ][a-zß-ÿ]+(?:[-'’][A-Za-zÀ-ÿ]+)*")
_NAME_TOKEN = re.compile(r"[^\W\d_][\w.'\u2019-]*")
_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u4e00-\u9fff\uac00-\ud7af]+")


# Role phrases, at the start of a line or after a space, comma or semicolon inside it
# ("Edited by A, with an introduction by B"); a bare "by" only starts a line. The leftmost,
# longest phrase wins, so "edited and translated by" is one phrase, not two.
_ROLE_PHRASES = re.compile(
    r"(?:^|(?<=[\s,;]))(?:"
    + "|".join(f"(?P<r{n}>{prefix})" for n, (prefix, _) in enumerate(_ROLES[:-1]))
    + r")\s+",
    re.I,
)
_GROUP_END = re.compile(r"[\s,;]*(?:\band)?[\s,;]*$", re.I)


def people_in(text: str) -> list[tuple[str, str]] | None:
    """The (name, role) pairs a people line names, None when it is not such a line."""
    groups: list[tuple[str, int | None]] = []  # (text, the _ROLES entry that starts it)
    start, phrase = 0, None
    for match in _ROLE_PHRASES.finditer(text):
        groups.append((text[start : match.start()], phrase))
        start = match.end()
        phrase = next(int(key[1:]) for key, found in match.groupdict().items() if found)
    groups.append((text[start:], phrase))
    out: list[tuple[str, str]] = []
    for index, (group, started) in enumerate(groups):
        group = _GROUP_END.sub("", group) if index < len(groups) - 1 else group
        if not group and index == 0 and started is None:
            continue  # the line starts with a role phrase
        found = _people_in_group(group, started)
        if found is None:
            return None
        out += found
    return out or None


_WITH = len(_ROLES) - 2  # "with": weak evidence, so what follows must look like names


def _people_in_group(text: str, phrase: int | None) -> list[tuple[str, str]] | None:
    roles: tuple[str, ...] = ()
    weak = phrase == _WITH
    if phrase is not None:
        roles = _ROLES[phrase][1]
    elif match := re.match(r"by\s+", text, re.I):  # "by A and B"
        text, roles = text[match.end() :], _ROLES[-1][1]
        # "By A": as in a title ("By the Waters of Babylon"), unless names follow
        weak = not match.group().startswith("by")
    names: list[str] = []
    for part in _NAME_SPLIT.split(text):
        if part in _SUFFIXES and names:
            names[-1] += f", {part}"
        elif part:
            names.append(part)
    if not names or ((not roles or weak) and not all(_name_like(n) for n in names)):
        return None
    return [(name, role) for name in names for role in roles or ("author",)]


def _name_like(name: str) -> bool:
    tokens = name.replace(",", "").split()  # "King, Jr."
    if len(tokens) == 1 and _CJK.fullmatch(name):
        return True
    return 2 <= len(tokens) <= 6 and all(
        t in _PARTICLES or (_NAME_TOKEN.fullmatch(t) and t[0].isupper() and t not in _NOT_NAMES)
        for t in tokens
    )


def name_parts(name: str) -> dict[str, str]:
    """Given and family names, only for plain Western names ('Andrei N. Lankov')."""
    tokens = name.split()
    if (
        len(tokens) < 2
        or tokens[0] in _EAST_ASIAN_FAMILY
        or not all(_LATIN_WORD.fullmatch(t) or re.fullmatch(r"[A-Z]\.", t) for t in tokens)
        or not _LATIN_WORD.fullmatch(tokens[-1])
    ):
        return {}
    return {"given_name": " ".join(tokens[:-1]), "family_name": tokens[-1]}
