"""Flow text that follows the iPhone in hand: the path for its iOS version, and the
name its region gives mobile data.

A line of a flow text (a fix, its check, a help) may start, after its indent and list
marker, with a version tag: ``[iOS 26+]``, ``[iOS 18-25]`` or ``[iOS 17]``. The line,
and the lines under it that belong to it (more indented, or continuing its
paragraph), then apply to those versions only. ``{cellular}`` anywhere stands for
the setting iOS calls "Cellular" in the United States and "Mobile Data" elsewhere.

With a reading of the iPhone, only what applies to its version is shown, untagged,
and ``{cellular}`` becomes the one name its region uses. Without one, every variant
is shown in the order written (the flow writes the current version first), each
saying which versions it is for, and ``{cellular}`` names both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from icloud_fix.flow import Question

_Answered = TypeVar("_Answered", bound=Any)  # an engine.QuestionResult

# The start of a tagged line: its indent and list marker, then the tag.
_TAG = re.compile(r"^(?P<lead>[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?)"
                  r"\[iOS (?P<low>\d{1,2})(?:(?P<plus>\+)|-(?P<high>\d{1,2}))?\][ \t]*", re.M)
# Anything that looks like a tag, for the loader to refuse a mistyped one.
_LOOKS_LIKE_A_TAG = re.compile(r"\[\s*ios(?=[\s\d])[^\]\n]{0,20}\]?", re.I)
_MARKER = re.compile(r"^[ \t]*(?:[-+*]|\d{1,9}[.)])[ \t]+")
# Where iOS's words for mobile data go: (the United States' word, elsewhere's word).
TERMS = {
    "{cellular}": ("Cellular", "Mobile Data"),
    "{cellular data}": ("Cellular Data", "Mobile Data"),
    "{cellular data options}": ("Cellular Data Options", "Mobile Data Options"),
}
TERM = "{cellular"  # what every term starts with


def both(term: str) -> str:
    """A term's two names, for a phone not read: 'Cellular (Mobile Data in some
    regions)'."""
    us, elsewhere = TERMS[term]
    return f"{us} ({elsewhere} in some regions)"
# Where iOS in English says "Cellular"; elsewhere it says "Mobile Data". (Other
# languages name it in their own words: both English names are given then.)
CELLULAR_REGIONS = frozenset({"US", "CA", "PR", "GU", "VI", "AS", "MP", "UM"})


@dataclass(frozen=True)
class Phone:
    """What the wording follows: the iPhone's major iOS version, and whether its menus
    say "Mobile Data" (None: not known)."""

    ios_major: int | None = None
    mobile_data: bool | None = None


def problems(text: str) -> list[str]:
    """Why the version tags of a text cannot be read (none when fine)."""
    found = []
    for match in _LOOKS_LIKE_A_TAG.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        tagged = _TAG.match(text, line_start)
        if tagged is not None and tagged.start("low") - len("[iOS ") == match.start():
            high = tagged["high"]
            if high is not None and int(high) < int(tagged["low"]):
                found.append(f"the version tag '{match[0]}' ends before it starts")
            continue
        found.append(f"'{match[0][:24]}' is no version tag: a line may start (after its "
                     f"list marker) with [iOS 26+], [iOS 18-25] or [iOS 17]")
        if len(found) >= 3:
            break
    return found


def _applies(match: re.Match[str], ios: int) -> bool:
    low = int(match["low"])
    if match["plus"]:
        return ios >= low
    high = int(match["high"]) if match["high"] else low
    return low <= ios <= high


def _label(match: re.Match[str]) -> str:
    low = match["low"]
    if match["plus"]:
        return f"On iOS {low} and later: "
    if match["high"]:
        return f"On iOS {low} to {match['high']}: "
    return f"On iOS {low}: "


def adapt(text: str | None, phone: Phone | None) -> str | None:
    """text as the iPhone in hand needs it (see the module's docstring)."""
    if text is None:
        return None
    if TERM in text:
        for term, (us, elsewhere) in TERMS.items():
            if term in text:
                name = both(term) if phone is None or phone.mobile_data is None else (
                    elsewhere if phone.mobile_data else us)
                text = text.replace(term, name)
    if "[iOS " not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    dropping_under: int | None = None  # the indent of a dropped tagged line
    for line in lines:
        if dropping_under is not None:
            indent = len(line) - len(line.lstrip(" \t"))
            # Its own lines: more indented, or its paragraph going on (not a new item).
            if line.strip() and (indent > dropping_under or not (
                    _MARKER.match(line) or _TAG.match(line) or indent < dropping_under)):
                continue
            dropping_under = None
        match = _TAG.match(line)
        if match is None:
            out.append(line)
            continue
        if phone is not None and phone.ios_major is not None:
            if _applies(match, phone.ios_major):
                out.append(match["lead"] + line[match.end():])
            else:
                dropping_under = len(match["lead"]) - len(match["lead"].lstrip(" \t"))
            continue
        out.append(match["lead"] + _label(match) + line[match.end():])
    return "\n".join(out)


def mobile_data(locale: str | None, language: str | None) -> bool | None:
    """Whether an iPhone with this locale ("en_GB") and language ("en-GB") says
    "Mobile Data" (True), "Cellular" (False), or in another language (None)."""
    language = (language or locale or "").replace("-", "_")
    if not language.lower().startswith("en"):
        return None
    region = ""
    for source in (locale or "", language):
        parts = source.replace("-", "_").split("_")
        if len(parts) > 1 and parts[-1].isalpha() and len(parts[-1]) == 2:
            region = parts[-1].upper()
            break
    if not region:
        return None
    return region not in CELLULAR_REGIONS


def phone_of(device: object | None) -> Phone | None:
    """The Phone of a read iPhone (an engine.Device), or None when none was read."""
    if device is None:
        return None
    ios = getattr(device, "ios", None)
    digits = re.match(r"\d{1,2}", ios or "")
    return Phone(int(digits[0]) if digits else None,
                 mobile_data(getattr(device, "locale", None), getattr(device, "language", None)))


def _varies(text: str | None) -> bool:
    return text is not None and (TERM in text or "[iOS " in text)


def adapt_line(text: str | None, phone: Phone | None) -> str:
    """A question (one paragraph, whatever lines its versions were written on) as the
    iPhone in hand needs it, on one line."""
    return " ".join((adapt(text, phone) or "").split())


def adapt_answered(answered: tuple[_Answered, ...], phone: Phone | None
                   ) -> tuple[_Answered, ...]:
    """Answered questions (engine.QuestionResult) with their questions adapted."""
    import dataclasses

    return tuple(q if (shown := adapt_question(q.question, phone)) is q.question
                 else dataclasses.replace(q, question=shown)
                 for q in answered)


def adapt_question(question: Question, phone: Phone | None) -> Question:
    """The question with every text of it as the iPhone in hand needs it."""
    from icloud_fix import kinds

    kind = kinds.of(question)
    texts = (question.prompt, question.help, question.remediation, question.verify,
             *kind.texts(question))
    if not any(_varies(t) for t in texts):
        return question
    import dataclasses

    return dataclasses.replace(
        question, prompt=adapt_line(question.prompt, phone),
        help=adapt(question.help, phone), remediation=adapt(question.remediation, phone),
        verify=adapt(question.verify, phone),
        spec=kind.with_texts(question, lambda text: adapt(text, phone)))
