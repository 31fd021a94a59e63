"""Finding reference substances in free-text descriptions, whatever the spelling.

Both the reference names and each description go through the same folding: lower case, the
look-alike characters traffickers swap in (`0`→o, `1`/`l`/`|`/`!`→i, `3`→e, `4`/`@`→a, `5`/`$`→s,
`7`→t…) mapped to one letter, and everything that is not a letter dropped — so "N.P.P",
"4 - A P", "n-phenethyl-4-piper1done" and "NPP" fold to the key of the name they spell. Salt
words ("hydrochloride", "HCl", "oxalate", "monohydrate"…) and trade words ("99%", "powder",
"technical grade"…) are taken out first; a salt word is reported as a salt form.

Matching, in order, each step only when the previous found nothing:
1. exact: the folded description, or any run of up to `MAX_WINDOW` consecutive words of it, is
   the folded key of a reference name, synonym or abbreviation;
2. fuzzy: the folded description against the folded names of at least `FUZZY_MIN_LENGTH`
   letters with `rapidfuzz.fuzz.ratio` ≥ `FUZZY_CUTOFF` (so short names and abbreviations never
   match fuzzily: one letter off "NPP" is another word). Names of other chemicals close to a precursor's
   (4-aminopyridine, piperidine, 4-piperidinemethanol) stay below the cutoff; tests pin that.
Results are cached per description, which repeats a great deal in customs data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from liaison.precursors.reference import ReferenceData, Substance

FUZZY_CUTOFF = 90.0
FUZZY_MIN_LENGTH = 10
MAX_WINDOW = 8
CACHE_SIZE = 200_000

_LOOKALIKES = str.maketrans({
    "0": "o", "1": "i", "l": "i", "|": "i", "!": "i", "3": "e", "4": "a", "@": "a", "5": "s",
    "$": "s", "7": "t", "8": "b", "9": "g", "6": "g", "2": "z", "ï": "i", "í": "i", "é": "e",
    "è": "e", "ó": "o", "ö": "o", "á": "a", "à": "a", "ü": "u", "ú": "u",
})  # fmt: skip
_NOT_LETTER = re.compile(r"[^a-z]+")
_WORD_SPLIT = re.compile(r"[\s,;/]+")
_TRADE = re.compile(
    r"^(?:\d\d+(?:\.\d+)?|\d+\.\d+|\d+(?:\.\d+)?(?:kg|g|mg|l|ml|t|mt)|[<>≥]?\d+(?:\.\d+)?%"
    r"|\(.*%.*\)|purity|pure|grade|technical|tech|industrial|reagent|pharma|pharmaceutical|usp"
    r"|bp|ep|powder|crystals?|crystalline|solid|liquid|solution|bulk|drums?|bags?|sample"
    r"|samples|for|research|use|only|lab|laboratory|cas|no|chemical|intermediate|api"
    r"|white|off-white|yellow|min|assay|high|quality|new|batch|lot|kgs|x)$"
)
SALT_WORDS = (
    "hydrochloride", "dihydrochloride", "monohydrochloride", "hcl", "2hcl", "hci", "hydrobromide",
    "hbr", "oxalate", "citrate", "tartrate", "bitartrate", "sulfate", "sulphate", "bisulfate",
    "phosphate", "mesylate", "methanesulfonate", "tosylate", "fumarate", "maleate", "succinate",
    "hydrate", "monohydrate", "dihydrate", "salt", "freebase", "free-base", "base", "acetate",
    "trifluoroacetate", "tfa", "hydroiodide", "nitrate", "besylate", "mono", "di",
)  # fmt: skip


def fold(text: str) -> str:
    """`text` folded to letters only: lower case, look-alikes mapped, the rest dropped."""
    return _NOT_LETTER.sub("", text.lower().translate(_LOOKALIKES))


_SALT_KEYS = frozenset(fold(word) for word in SALT_WORDS)


@dataclass(frozen=True, slots=True)
class NameHit:
    """A reference substance found in a description: how, under which name, with what score."""

    substance: Substance
    name: str
    fuzzy: bool
    score: float
    salt_words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Words:
    """A description split into words: the folded content words and the salt words found."""

    content: tuple[str, ...]
    salt: tuple[str, ...]

    @property
    def folded(self) -> str:
        """All content words folded into one key."""
        return "".join(self.content)


def is_trade_word(word: str) -> bool:
    """Whether `word` is packaging or trade text (a quantity, a purity, "powder", "grade"…)."""
    return _TRADE.match(word.lower().strip("()[].:-")) is not None


def split_words(description: str) -> Words:
    """The description's folded content words, with salt and trade words taken out."""
    content: list[str] = []
    salt: list[str] = []
    for raw in _WORD_SPLIT.split(description.lower()):
        word = raw.strip("()[].:-")
        if not word or _TRADE.match(word):
            continue
        key = fold(word)
        if key in _SALT_KEYS:
            salt.append(word)
        elif key:
            content.append(key)
    return Words(tuple(content), tuple(salt))


class NameIndex:
    """Every name, synonym and abbreviation of the reference data, folded, for fast lookup."""

    def __init__(self, reference: ReferenceData) -> None:
        self.exact: dict[str, tuple[Substance, str]] = {}
        long_names: dict[str, tuple[Substance, str]] = {}
        for substance in reference.substances:
            for name in substance.names:
                words = split_words(name)
                for key in {fold(name), words.folded} - {""}:
                    self.exact.setdefault(key, (substance, name))
                    if len(key) >= FUZZY_MIN_LENGTH:
                        long_names.setdefault(key, (substance, name))
        self._fuzzy_keys = list(long_names)
        self._fuzzy_values = list(long_names.values())
        self._cache: dict[str, NameHit | None] = {}

    def _exact(self, words: Words) -> tuple[Substance, str] | None:
        found = self.exact.get(words.folded)
        if found is not None:
            return found
        content = words.content
        for size in range(min(MAX_WINDOW, len(content) - 1), 0, -1):
            for start in range(len(content) - size + 1):
                found = self.exact.get("".join(content[start : start + size]))
                if found is not None:
                    return found
        return None

    def _fuzzy(self, key: str) -> tuple[tuple[Substance, str], float] | None:
        if len(key) < FUZZY_MIN_LENGTH or not self._fuzzy_keys:
            return None
        best = process.extractOne(
            key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        if best is None:
            return None
        return self._fuzzy_values[best[2]], float(best[1])

    def find(self, description: str) -> NameHit | None:
        """The reference substance `description` names, exactly or fuzzily, or None."""
        if description in self._cache:
            return self._cache[description]
        words = split_words(description)
        hit: NameHit | None = None
        exact = self._exact(words)
        if exact is not None:
            hit = NameHit(exact[0], exact[1], False, 100.0, words.salt)
        else:
            fuzzy = self._fuzzy(words.folded)
            if fuzzy is not None:
                (substance, name), score = fuzzy
                hit = NameHit(substance, name, True, score, words.salt)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[description] = hit
        return hit
