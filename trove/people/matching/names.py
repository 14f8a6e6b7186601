"""Vietnamese personal names as matching sees them.

A name is split into its family name (họ), the words between (tên đệm) and the given name (tên). Family names are
recognised from the lists below at either end, so "Nguyễn Thị Hoa", "Hoa Thị Nguyễn" and "Thị Hoa Nguyễn" parse alike;
when neither end is a known family name the first word is taken as the family name, as Vietnamese documents write it.

Middle words that say little — Thị and Văn (they mostly mark sex), and the H'Mông middle names A, Seo, Mí, Mỷ… — are
"markers": present or missing, they change nothing. Given names are compared exactly, without diacritics, by a
spelling skeleton that folds the ways minority names are written (Mỷ/Mỉ/Mị, Sử/Xử, Páo/Pao), or as a one-letter typo.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Share of the Kinh population (approximate, from published surname surveys). Hoàng/Huỳnh and Vũ/Võ are one family
# name written the northern and the southern way.
KINH_FAMILY_SHARE = {
    "nguyen": 0.384, "tran": 0.121, "le": 0.095, "pham": 0.07, "hoang": 0.051, "phan": 0.045, "vu": 0.039,
    "dang": 0.021, "bui": 0.02, "do": 0.014, "ho": 0.013, "ngo": 0.013, "duong": 0.01, "ly": 0.005,
    "dinh": 0.006, "truong": 0.006, "lam": 0.004, "mai": 0.004, "trinh": 0.004, "doan": 0.004, "luong": 0.004,
    "cao": 0.004, "ha": 0.004, "ta": 0.002, "kieu": 0.001, "luu": 0.002, "chu": 0.001, "to": 0.001, "quach": 0.001,
    "vuong": 0.001, "la": 0.001, "thai": 0.001, "trieu": 0.001, "hua": 0.001, "dao": 0.003, "chau": 0.001,
    "tang": 0.001, "tong": 0.001, "nong": 0.002, "ma": 0.001, "vi": 0.001, "nghiem": 0.0005, "khuc": 0.0005,
    "lai": 0.001, "thach": 0.001, "danh": 0.001, "son": 0.001, "lu": 0.0005, "phung": 0.002, "ban": 0.001,
}
# Clan names of the northern minority peoples (H'Mông, Dao, Thái, Khơ Mú…): a whole village may share one, so inside
# the region where they occur each is about as common as Trần is among the Kinh.
CLAN_FAMILY_NAMES = {
    "giang", "sung", "thao", "vang", "ly", "lo", "hau", "mua", "hang", "cu", "lau", "tan", "chao", "cheo", "vu",
    "trang", "ho", "pao", "quang", "ca", "tong", "luong", "dieu", "lu", "vi", "lang", "sen", "xin", "chang",
    "cam", "loc", "phung", "ban",
}
CLAN_SHARE = 0.1
UNKNOWN_FAMILY_SHARE = 0.003
# Spellings of one family name.
FAMILY_ALIASES = {"huynh": "hoang", "vo": "vu", "dzuong": "duong", "dzu": "vu", "lee": "ly", "li": "ly"}

# Middle words that carry no identity of their own.
MARKERS = {"thi", "van", "a", "seo", "mi"}
ACCENTED_MARKERS = {"thị", "văn", "a", "seo", "mí"}
FEMALE_MARKERS = {"thi"}
MALE_MARKERS = {"van"}

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Common given names (without diacritics). Two given names one letter apart that are both here are two names
# (Hùng/Dũng, Lan/Lâm), not a typo of one another.
COMMON_GIVEN = frozenset("""
    an anh bao binh chau chi chinh cong cuong dai dao dat diem diep dieu dinh duc dung duong duy duyen giang ha
    hai han hang hanh hao hau hien hiep hieu hoa hoai hoan hoang hong hop hue hung huong huy huyen khai khang
    khanh khoa kien kim lam lan lanh lap lien linh loan loc long luan luong ly mai manh mi minh my nam nga ngan
    nghia ngoc nguyet nhan nhat nhi nhu nhung oanh phat phong phu phuc phuong quan quang quy quyen quynh sang sinh
    son tai tam tan tham thang thanh thao thi thien thinh thoa thom thu thuong thuy tien tin tinh toan trang tri
    trinh trung truong tu tuan tung tuyen tuyet uyen van viet vinh vu vy xuan yen
    cho chong chu de di dua lu mang mo nhia pa pang pao phua sa sai say su sua sung tong tua va vang xay xia xu
""".split())


def fold(text: str) -> str:
    """Lower case without diacritics (đ -> d): the form names are compared and keyed in."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def words_of(text: str) -> list[str]:
    """The words of a name, lower case with their diacritics ("Nguyễn  thị-Hoa" -> ["nguyễn", "thị", "hoa"])."""
    return [word.casefold() for word in _WORD.findall(unicodedata.normalize("NFC", text or ""))]


_Y_AFTER_CONSONANT = re.compile(r"(^|[^aeiouy])y")


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """A spelling skeleton of a folded word: the ways one sound is written fold together (Mỷ/Mỉ/Mị -> "mi",
    Sử/Xử -> "su", Tráng/Chảng -> "chang")."""
    s = word
    for old, new in (("ngh", "ng"), ("gh", "g"), ("tr", "ch"), ("qu", "cu"), ("dz", "d"), ("z", "d"), ("k", "c"),
                     ("x", "s"), ("ph", "f")):
        s = s.replace(old, new)
    # y after a consonant is the vowel i (Mỷ/Mị, Vy/Vi); after a vowel it is part of another rhyme (Máy is not Mai).
    s = _Y_AFTER_CONSONANT.sub(r"\1i", s)
    collapsed = []
    for char in s:
        if not collapsed or collapsed[-1] != char:
            collapsed.append(char)
    return "".join(collapsed)


def canonical_family(word: str) -> str:
    return FAMILY_ALIASES.get(word, word)


def is_family_name(word: str) -> bool:
    word = canonical_family(word)
    return word in KINH_FAMILY_SHARE or word in CLAN_FAMILY_NAMES


def family_share(word: str) -> float:
    word = canonical_family(word)
    return max(KINH_FAMILY_SHARE.get(word, 0.0), CLAN_SHARE if word in CLAN_FAMILY_NAMES else 0.0) or (
        UNKNOWN_FAMILY_SHARE
    )


def is_swap(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with two neighbouring letters swapped."""
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


@lru_cache(maxsize=65536)
def within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one substitution, insertion, deletion or swap of neighbouring letters."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    for i in range(len(a)):
        if a[i] != b[i]:
            return a[i:] == b[i + 1:]
    return True


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name split into parts. ``*_folded`` are without diacritics; ``plain`` says the name was written without
    any diacritics at all (so a mark missing from it is no evidence)."""

    family: str  # folded, canonical ("hoang" for Huỳnh)
    family_accented: str
    given_options: tuple[tuple[str, str], ...]  # (folded, accented) of the word(s) that may be the given name
    personal: tuple[str, ...]  # folded non-marker words other than the family name, in order
    markers: frozenset[str]
    plain: bool
    family_first: bool
    alternative: bool = False  # the less likely reading of a name whose order is uncertain

    def __reduce__(self):
        # By value (as ``profile.Profile``): a slotted dataclass otherwise pickles by looking up its fields each time.
        return ParsedName, (self.family, self.family_accented, self.given_options, self.personal, self.markers,
                            self.plain, self.family_first, self.alternative)

    @property
    def empty(self) -> bool:
        return not self.given_options and not self.family


EMPTY_NAME = ParsedName("", "", (), (), frozenset(), True, True)


def _is_marker(accented: str, folded: str) -> bool:
    # With its diacritics Văn is a marker and Vân a given name; written without them, "van" is taken as the marker.
    return accented in ACCENTED_MARKERS or (accented == folded and folded in MARKERS)


def _parse(accented: list[str], folded: list[str], plain: bool, family_first: bool,
           alternative: bool = False) -> ParsedName:
    last = len(folded) - 1
    if family_first:
        family_index, rest = 0, list(range(1, last + 1))
        given_idx = [last]  # written family first, the given name is always the last word
    else:
        family_index, rest = last, list(range(last))
        # "Hoa Thị Nguyễn" (reversed) or "Thị Hoa Nguyễn" (family moved to the end): the given name is the first
        # word or the one before the family name, whichever is not a marker.
        options = sorted({0, last - 1})
        given_idx = [i for i in options if not _is_marker(accented[i], folded[i])] or options[-1:]
    markers = frozenset(folded[i] for i in rest if i not in given_idx and _is_marker(accented[i], folded[i]))
    personal_idx = [i for i in rest if i in given_idx or folded[i] not in markers]
    return ParsedName(
        family=canonical_family(folded[family_index]),
        family_accented=accented[family_index],
        given_options=tuple((folded[i], accented[i]) for i in given_idx),
        personal=tuple(folded[i] for i in personal_idx),
        markers=markers,
        plain=plain,
        family_first=family_first,
        alternative=alternative,
    )


@lru_cache(maxsize=262144)
def parse_name_variants(text: str) -> tuple[ParsedName, ...]:
    """The readings of a name, the likelier first. The order is certain only when the first word is a known family
    name and the last is not; otherwise both readings are kept ("Giang" and "Mai" are given names as well as family
    names; "Thảo Đặng" is Đặng Thảo; a mistyped family name is unknown), and scoring takes the better one."""
    accented = words_of(text)
    if not accented:
        return (EMPTY_NAME,)
    folded = [fold(word) for word in accented]
    plain = all(a == f for a, f in zip(accented, folded, strict=True))
    if len(folded) == 1:
        return (ParsedName("", "", ((folded[0], accented[0]),), (folded[0],), frozenset(), plain, True),)
    first_known, last_known = is_family_name(folded[0]), is_family_name(folded[-1])
    primary_first = first_known or not last_known
    primary = _parse(accented, folded, plain, primary_first)
    if first_known and not last_known:
        return (primary,)
    return primary, _parse(accented, folded, plain, not primary_first, alternative=True)


def parse_name(text: str) -> ParsedName:
    """The likelier reading of a name."""
    return parse_name_variants(text)[0]


# Levels of agreement between two given names, best first.
GIVEN_SAME = "same"
GIVEN_SAME_FOLDED = "same_folded"
GIVEN_ACCENT = "accent"
GIVEN_SPELLING = "spelling"
GIVEN_TYPO = "typo"
GIVEN_NEAR = "near"
GIVEN_DIFFERENT = "different"
_LEVEL_RANK = {GIVEN_SAME: 0, GIVEN_SAME_FOLDED: 1, GIVEN_SPELLING: 2, GIVEN_ACCENT: 3, GIVEN_TYPO: 4, GIVEN_NEAR: 5,
               GIVEN_DIFFERENT: 6}


def word_level(a: tuple[str, str], b: tuple[str, str], plain_a: bool, plain_b: bool, lenient: bool = False) -> str:
    """How two given names agree. ``lenient`` (when an ID number already ties the records) lets two known names one
    letter apart count as near rather than different."""
    (fa, aa), (fb, ab) = a, b
    if fa == fb:
        if aa == ab:
            # "Hoa" is spelt alike either way, but if one name lost its diacritics the names only agree without them.
            return GIVEN_SAME if plain_a == plain_b else GIVEN_SAME_FOLDED
        if plain_a or plain_b:
            return GIVEN_SAME_FOLDED
        return GIVEN_ACCENT
    sa, sb = skeleton(fa), skeleton(fb)
    if sa == sb:
        return GIVEN_SPELLING
    # A one-letter difference is a typo when the letters are swapped, or when both words are long enough that it
    # does not turn one short name into another (Ánh/Panh, Ín/Ún) and they are not both known names (Hùng/Dũng).
    # Otherwise it is "near": as likely a typo as a sibling's name.
    both_known = fa in COMMON_GIVEN and fb in COMMON_GIVEN
    if is_swap(fa, fb) or is_swap(sa, sb):
        return GIVEN_TYPO
    if within_one_edit(fa, fb) or within_one_edit(sa, sb):
        if min(len(fa), len(fb)) >= 4 and not both_known:
            return GIVEN_TYPO
        if not both_known or lenient:
            return GIVEN_NEAR
    return GIVEN_DIFFERENT


def best_given(a: ParsedName, b: ParsedName, lenient: bool = False) -> tuple[str, str, str]:
    """The best agreement between the given names of ``a`` and ``b``: (level, folded given of a, of b)."""
    best = (GIVEN_DIFFERENT, "", "")
    for ga in a.given_options:
        for gb in b.given_options:
            level = word_level(ga, gb, a.plain, b.plain, lenient)
            if _LEVEL_RANK[level] < _LEVEL_RANK[best[0]]:
                best = (level, ga[0], gb[0])
    return best
