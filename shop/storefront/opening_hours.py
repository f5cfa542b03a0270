"""A sales point's opening hours as search engines read them, from the line the office types.

The office writes hours for people ("7:30–21:00 hằng ngày", "7:30–17:00, thứ Hai đến thứ
Bảy"); schema.org wants days and times. Only the shapes read with certainty become structured
data: any other text gives nothing, since wrong hours on a map cost a tourist a wasted trip.
"""

from __future__ import annotations

import re
from typing import Any

from shop.text import fold

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Day names, folded (no diacritics): Vietnamese in words and in the short forms of shop signs
# (T2 … T7, CN), and English; their position in DAYS.
_DAY_NAMES = {
    **{name: i for i, name in enumerate(("thu hai", "thu ba", "thu tu", "thu nam", "thu sau", "thu bay"))},
    **{f"t{n}": n - 2 for n in range(2, 8)},
    **{f"thu {n}": n - 2 for n in range(2, 8)},
    "chu nhat": 6,
    "cn": 6,
    **{day.lower(): i for i, day in enumerate(DAYS)},
}
_DAY = "|".join(sorted(map(re.escape, _DAY_NAMES), key=len, reverse=True))
_TIME = r"(\d{1,2})(?:[:h.](\d{2})|h)"
_TIME_RANGE = re.compile(rf"\b{_TIME}\s*(?:-|–|—|đến|den|to)\s*{_TIME}(?!\d)")
_DAY_RANGE = re.compile(rf"\b({_DAY})\s*(?:-|–|—|đến|den|to|toi)\s*({_DAY})\b")
_ONE_DAY = re.compile(rf"\b({_DAY})\b")
_EVERY_DAY = re.compile(r"\b(hang ngay|moi ngay|ca tuan|daily|every day)\b")
# Words that may stay around the days and times ("từ", "sáng", "trong những ngày hội chợ"):
# any other word ("nghỉ", "closed", "except", "Mon") may change the days, so such a line is
# left to the page rather than guessed.
_FILLER = frozenset(
    {
        *("tu", "va", "mo", "cua", "sang", "chieu", "toi", "trong", "nhung", "ngay", "hoi", "cho"),
        *("trien", "lam", "and", "open", "from", "during", "the", "fair"),
    }
)
_WORD = re.compile(r"[^\W\d_]+")


def _clock(hours: str, minutes: str | None) -> str | None:
    h, m = int(hours), int(minutes or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        return None
    return f"{h:02d}:{m:02d}"


def _days(rest: str) -> list[int] | None:
    """The days named in what remains of the line; every day when none is; None when unsure."""
    ranges = _DAY_RANGE.findall(rest)
    rest = _DAY_RANGE.sub(" ", rest)
    named = _ONE_DAY.findall(rest)
    if not set(_WORD.findall(_ONE_DAY.sub(" ", rest))) <= _FILLER or len(ranges) > 1:
        return None
    if ranges:
        first, last = _DAY_NAMES[ranges[0][0]], _DAY_NAMES[ranges[0][1]]
        return None if first > last or named else list(range(first, last + 1))
    return sorted({_DAY_NAMES[name] for name in named}) or list(range(7))


def specification(text: str | None) -> list[dict[str, Any]]:
    """schema.org ``OpeningHoursSpecification`` entries, one per time range; [] when unsure."""
    line = fold(text)
    ranges = _TIME_RANGE.findall(line)
    if not ranges:
        return []
    days = _days(_EVERY_DAY.sub(" ", _TIME_RANGE.sub(" ", line)))
    times = [(_clock(h1, m1), _clock(h2, m2)) for h1, m1, h2, m2 in ranges]
    if days is None or any(opens is None or closes is None for opens, closes in times):
        return []
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [f"https://schema.org/{DAYS[d]}" for d in days],
            "opens": opens,
            "closes": closes,
        }
        for opens, closes in times
    ]
