"""Creative Commons licences as MUSE's open-access pages name them, to the deed's URL."""

from __future__ import annotations

import re

# Open-access pages: "This work is licensed under a Creative Commons Attribution-NonCommercial
# 4.0 International License." above the contents, and a "Creative Commons  CC-BY-NC" row.
CC_STATEMENT = re.compile(
    r"(?:this (?:work|book|title|publication|volume) is )?licen[cs]ed under (?:a |the )?"
    r"creative commons (?P<name>(?:attribution|cc0|zero)[a-z -]*?)"
    r"(?: (?P<version>[1-4]\.[05]))?(?: (?:international|unported|generic|universal))?"
    r" licen[cs]e\.?",
    re.I,
)
CC_CODE = re.compile(
    r"(?:cc[- ]?)?(?P<code>by(?:[- ](?:nc|sa|nd))*|0|zero)(?:[- ]?(?P<version>[1-4]\.[05]))?", re.I
)
CC_WORDS = {"attribution": "by", "noncommercial": "nc", "sharealike": "sa",
             "noderivatives": "nd", "noderivs": "nd", "cc0": "0", "zero": "0"}  # fmt: skip

UNKNOWN_LICENCE = "is not a Creative Commons licence bookrdf knows; give the licence URL by hand"


def cc_url(code: str, version: str) -> str:
    if code == "0":
        return f"https://creativecommons.org/publicdomain/zero/{version}/"
    return f"https://creativecommons.org/licenses/{code}/{version}/"
