"""Synthetic visa applications with planted duplicates, name variants, typos and fraud rings.

`generate_applications(n, seed)` returns an `Applications` pair of `pyarrow.Table`s:

- `records`: one row per application with exactly the columns of
  `liaison.fraud.schema.FIELD_NAMES` (all strings, normalised as `liaison fraud load` writes them);
- `truth`: `application_id` (string), `person_id` (int64: the applicant; equal ids are the same
  person) and `ring_id` (int64, null outside a fraud ring), in the same row order.

What is planted, all from a seeded `numpy` generator (the same seed gives the same tables):

- people: South Asian (70%) and Canadian names from `synthetic_names`, drawn with Zipf-like
  weights so common names (Singh, Kaur, Mohammed, Patel) repeat as in real registers; dates of
  birth, passports, national ids, phones, e-mails, addresses, employers, bank accounts;
- households: about one person in eight shares a family name, address, phone and sometimes a bank
  account with another person (different people the matcher must keep apart);
- duplicates: `duplicate_share` of the applications re-apply for an earlier person, with
  transliteration variants (Harpreet → Harpriet), typos, swapped given/family order, initials,
  date-of-birth slips (day and month swapped, one digit), a new passport, new phone, e-mail or
  address; first applications also use variant spellings now and then;
- document reuse: a few applications carry another, unrelated person's passport number;
- fraud rings (`rings`, default one per 2,000 applications): 5–25 applications of different
  people filed by one ring agent and sharing its bank accounts, phones, an address, a sham
  employer and a reused passport or two; most are refused.

Vectorised with numpy and pyarrow: a million applications take well under a minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from liaison.fraud import synthetic_names as lists
from liaison.fraud.schema import FIELD_NAMES, OUTCOMES

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
Array = Any
"""A numpy array (numpy's stubs do not type the object-array arithmetic used here)."""


@dataclass(frozen=True, slots=True)
class Applications:
    """Generated application records and their ground truth (see the module doc)."""

    records: pa.Table
    truth: pa.Table


def generate_applications(
    n: int, seed: int = 0, *, duplicate_share: float = 0.25, rings: int | None = None
) -> Applications:
    """Generate `n` applications with planted duplicates and `rings` fraud rings (module doc)."""
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    people = max(1, round(n * (1 - duplicate_share)))
    person = np.concatenate([np.arange(people), rng.integers(0, people, n - people)])
    repeat = np.arange(n) >= people
    p = _people(rng, people)
    columns = _applications(rng, p, person, repeat)
    ring = _plant_rings(rng, columns, max(1, n // 2000) if rings is None else rings)
    order = rng.permutation(n)
    ids = pa.array([f"A{i:08d}" for i in range(1, n + 1)], pa.string())
    columns["application_id"] = ids.to_numpy(zero_copy_only=False)[np.argsort(order)]
    records = pa.table({name: pa.array(columns[name][order], pa.string()) for name in FIELD_NAMES})
    truth = pa.table({
        "application_id": records.column("application_id"),
        "person_id": pa.array(person[order], pa.int64()),
        "ring_id": pa.array(ring[order], pa.int64(), mask=ring[order] < 0),
    })  # fmt: skip
    return Applications(records, truth)


def _where(condition: Array, chosen: Any, otherwise: Any) -> Array:
    import numpy as np

    return np.where(condition, chosen, otherwise)


def _zipf(rng: np.random.Generator, size: int, count: int, exponent: float = 1.0) -> Array:
    import numpy as np

    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return rng.choice(count, size=size, p=weights / weights.sum())


class _Spellings:
    """Names as one flat array of spellings with each name's offset and count of spellings."""

    def __init__(self, groups: tuple[tuple[lists.Name, ...], ...]) -> None:
        import numpy as np

        names = [name for group in groups for name in group]
        self.group_start = np.cumsum([0, *(len(g) for g in groups)])[:-1]
        self.group_size = np.array([len(g) for g in groups])
        self.offset = np.cumsum([0, *(len(name) for name in names)])[:-1]
        self.count = np.array([len(name) for name in names])
        self.flat = np.array([s for name in names for s in name], dtype=object)

    def draw(self, rng: np.random.Generator, group: Array, exponent: float) -> Array:
        """A name id per row of `group`, Zipf-weighted within the group's list."""
        import numpy as np

        ids = np.empty(len(group), dtype=np.int64)
        for g, (start, size) in enumerate(zip(self.group_start, self.group_size, strict=True)):
            rows = np.flatnonzero(group == g)
            ids[rows] = start + _zipf(rng, len(rows), int(size), exponent)
        return ids

    def spell(self, rng: np.random.Generator, ids: Array, variant_p: Array) -> Array:
        """One spelling per name id: the usual one, or with probability `variant_p` another."""
        import numpy as np

        count = self.count[ids]
        other = rng.random(len(ids)) < variant_p
        pick = _where(
            other & (count > 1),
            1 + rng.integers(0, 1 << 30, len(ids)) % np.maximum(count - 1, 1),
            0,
        )
        return self.flat[self.offset[ids] + pick]


GIVEN = _Spellings((lists.SOUTH_ASIAN_MALE, lists.SOUTH_ASIAN_FEMALE, lists.CANADIAN_MALE,
                    lists.CANADIAN_FEMALE))  # fmt: skip
FAMILY = _Spellings((lists.SOUTH_ASIAN_FAMILY, lists.CANADIAN_FAMILY))


def _digits(rng: np.random.Generator, size: int, width: int) -> Array:
    import numpy as np

    values = rng.integers(0, 10**width, size, dtype=np.int64)
    return np.char.zfill(values.astype(f"U{width}"), width).astype(object)


def _pick(rng: np.random.Generator, choices: tuple[str, ...], size: int) -> Array:
    import numpy as np

    return np.array(choices, dtype=object)[rng.integers(0, len(choices), size)]


def _people(rng: np.random.Generator, size: int) -> dict[str, Array]:
    import numpy as np

    south = rng.random(size) < 0.7
    female = rng.random(size) < 0.5
    given = GIVEN.draw(rng, _where(south, 0, 2) + female, 0.9)
    family = FAMILY.draw(rng, _where(south, 0, 1), 1.1)
    singh, kaur = 0, 1
    family = _where(south & female & (family == singh) & (rng.random(size) < 0.7), kaur, family)
    family = _where(south & ~female & (family == kaur), singh, family)
    dob = np.datetime64("1950-01-01") + rng.integers(0, 55 * 365, size).astype("timedelta64[D]")
    nationality = _where(south, _pick(rng, ("IN",) * 8 + ("PK", "BD", "NP", "LK"), size), "CA")
    people = {
        "south": south, "given": given, "family": family,
        "sex": _where(female, "F", _where(rng.random(size) < 0.003, "X", "M")).astype(object),
        "date_of_birth": np.datetime_as_string(dob, unit="D").astype(object),
        "nationality": nationality.astype(object),
        "passport_number": _passports(rng, south),
        "national_id": _where(
            rng.random(size) < 0.7, _where(south, _digits(rng, size, 12), _digits(rng, size, 9)), None
        ),
        "employer": _pick(rng, lists.EMPLOYERS, size),
        "bank_account": _where(rng.random(size) < 0.85, _digits(rng, size, 14), None),
        "travel_history": _travel(rng, size),
    }  # fmt: skip
    member, head = _household_pairs(rng, south, given)
    people["family"][member] = people["family"][head]
    people.update(_contacts(rng, south, given, people["family"]))
    for name in ("address", "city", "postcode", "country", "phone"):
        people[name][member] = people[name][head]
    shared = rng.random(len(member)) < 0.3
    people["bank_account"][member[shared]] = people["bank_account"][head[shared]]
    return people


def _passports(rng: np.random.Generator, south: Array) -> Array:
    import numpy as np

    size = len(south)
    letters = np.array(list(LETTERS), dtype=object)
    indian = letters[rng.integers(0, len(LETTERS), size)] + _digits(rng, size, 7)
    canadian = (letters[rng.integers(0, len(LETTERS), size)] + letters[rng.integers(0, len(LETTERS), size)]
                + _digits(rng, size, 6))  # fmt: skip
    return _where(south, indian, canadian)


def _travel(rng: np.random.Generator, size: int) -> Array:
    import numpy as np

    places = np.array(lists.TRAVEL, dtype=object)
    first = places[rng.integers(0, len(places), size)]
    second = places[rng.integers(0, len(places), size)]
    count = rng.integers(0, 3, size)
    return _where(count == 0, None, _where(count == 1, first, first + "|" + second))


def _ascii(spellings: Array) -> Array:
    import unicodedata

    import numpy as np

    table = {s: unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
             .replace("'", "") for s in set(spellings.tolist())}  # fmt: skip
    return np.array([table[s] for s in spellings.tolist()], dtype=object)


def _contacts(
    rng: np.random.Generator, south: Array, given: Array, family: Array
) -> dict[str, Array]:

    size = len(south)
    mobile = rng.integers(6, 10, size).astype(str).astype(object) + _digits(rng, size, 9)
    canada = _pick(rng, ("416", "604", "647", "905", "514", "403", "613", "778"), size)
    phone = _where(south, "+91" + mobile, "+1" + canada + _digits(rng, size, 7))
    local = (
        _ascii(GIVEN.flat[GIVEN.offset[given]]) + "." + _ascii(FAMILY.flat[FAMILY.offset[family]])
    )
    unique = (rng.permutation(size) + 1).astype(str).astype(object)
    dot = _where(rng.random(size) < 0.5, ".", "")
    email = local + dot + unique + "@" + _pick(rng, lists.EMAIL_DOMAINS, size)
    address = _addresses(rng, south)
    address["phone"] = phone
    address["email"] = _where(rng.random(size) < 0.85, email, None)
    return address


def _addresses(rng: np.random.Generator, south: Array) -> dict[str, Array]:
    import numpy as np

    size = len(south)
    street = (rng.integers(1, 999, size).astype(str).astype(object) + " " + _pick(rng, lists.STREETS, size)
              + " " + _pick(rng, lists.STREET_TYPES, size))  # fmt: skip
    india = np.array(lists.INDIAN_CITIES, dtype=object)[
        rng.integers(0, len(lists.INDIAN_CITIES), size)
    ]
    canada = np.array(lists.CANADIAN_CITIES, dtype=object)[
        rng.integers(0, len(lists.CANADIAN_CITIES), size)
    ]
    pin = india[:, 1] + _digits(rng, size, 3)
    letters = np.array(list(LETTERS), dtype=object)
    fsa = (canada[:, 1] + " " + rng.integers(0, 10, size).astype(str).astype(object)
           + letters[rng.integers(0, len(LETTERS), size)] + rng.integers(0, 10, size).astype(str).astype(object))  # fmt: skip
    return {
        "address": street,
        "city": _where(south, india[:, 0], canada[:, 0]),
        "postcode": _where(south, pin, fsa),
        "country": _where(south, "IN", "CA").astype(object),
    }


def _household_pairs(rng: np.random.Generator, south: Array, given: Array) -> tuple[Array, Array]:
    import numpy as np

    size = len(south)
    member = np.flatnonzero(rng.random(size) < 0.12)
    head = rng.integers(0, size, len(member))
    keep = (south[member] == south[head]) & (given[member] != given[head])
    return member[keep], head[keep]


def _applications(
    rng: np.random.Generator, p: dict[str, Array], person: Array, repeat: Array
) -> dict[str, Array]:
    import numpy as np

    n = len(person)
    columns = {
        name: p[name][person].copy() for name in p if name not in ("south", "given", "family")
    }
    variant_p = _where(repeat, 0.35, 0.1)
    given = GIVEN.spell(rng, p["given"][person], variant_p)
    family = FAMILY.spell(rng, p["family"][person], variant_p * 0.6)
    _typos(rng, given, repeat & (rng.random(n) < 0.10))
    _typos(rng, family, repeat & (rng.random(n) < 0.08))
    initial = repeat & (rng.random(n) < 0.04)
    given[initial] = np.array([g[0] for g in given[initial]], dtype=object)
    swap = repeat & (rng.random(n) < 0.08)
    given[swap], family[swap] = family[swap], given[swap].copy()
    columns["given_name"], columns["family_name"] = given, family
    columns["name_variants"] = _where(
        rng.random(n) < 0.08,
        GIVEN.spell(rng, p["given"][person], np.ones(n)) + " " + FAMILY.spell(rng, p["family"][person], np.ones(n)),
        None,
    )  # fmt: skip
    _dob_slips(rng, columns["date_of_birth"], repeat & (rng.random(n) < 0.05))
    _changes(rng, columns, p, repeat)
    columns["application_date"] = np.datetime_as_string(
        np.datetime64("2018-01-01") + rng.integers(0, 8 * 365, n).astype("timedelta64[D]"), unit="D"
    ).astype(object)
    agents = _agent_names(rng, 400, "legit")
    columns["agent"] = _where(rng.random(n) < 0.45, agents[rng.integers(0, len(agents), n)], None)
    columns["visa_type"] = _pick(rng, lists.VISA_TYPES, n)
    outcome = np.array(OUTCOMES, dtype=object)
    columns["outcome"] = outcome[rng.choice(len(OUTCOMES), n, p=[0.75, 0.15, 0.07, 0.03])]
    return columns


def _typos(rng: np.random.Generator, values: Array, where: Array) -> None:
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    for i in where.nonzero()[0]:
        word = values[i]
        if len(word) < 4:
            continue
        at = int(rng.integers(1, len(word) - 1))
        kind = int(rng.integers(0, 4))
        letter = alphabet[int(rng.integers(0, 26))]
        if kind == 0:
            word = word[:at] + letter + word[at + 1 :]
        elif kind == 1:
            word = word[:at] + word[at + 1 :]
        elif kind == 2:
            word = word[:at] + letter + word[at:]
        else:
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        values[i] = word


def _dob_slips(rng: np.random.Generator, dates: Array, where: Array) -> None:
    for i in where.nonzero()[0]:
        year, month, day = dates[i].split("-")
        if int(day) <= 12 and day != month and rng.random() < 0.5:
            dates[i] = f"{year}-{day}-{month}"
        else:
            dates[i] = f"{year}-{month}-{(int(day) % 28) + 1:02d}"


def _changes(
    rng: np.random.Generator,
    columns: dict[str, Array],
    p: dict[str, Array],
    repeat: Array,
) -> None:
    """New documents and contacts on re-applications; one in 300 reuses a stranger's passport."""
    import numpy as np

    n = len(repeat)
    fresh_passport = repeat & (rng.random(n) < 0.35)
    columns["passport_number"][fresh_passport] = _passports(
        rng, rng.random(int(fresh_passport.sum())) < 0.7
    )
    reuse = rng.random(n) < 1 / 300
    stranger = rng.integers(0, len(p["passport_number"]), int(reuse.sum()))
    columns["passport_number"][reuse] = p["passport_number"][stranger]
    for name, share in (("phone", 0.3), ("email", 0.3), ("national_id", 0.1)):
        changed = repeat & (rng.random(n) < share)
        columns[name][changed] = None
    moved = np.flatnonzero(repeat & (rng.random(n) < 0.25))
    fresh = _addresses(rng, rng.random(len(moved)) < 0.7)
    for name in ("address", "city", "postcode", "country"):
        columns[name][moved] = fresh[name]


def _agent_names(rng: np.random.Generator, count: int, salt: str) -> Array:
    import numpy as np

    words = _pick(rng, lists.AGENCY_WORDS, count)
    kinds = _pick(rng, lists.AGENCY_KINDS, count)
    cities = _pick(rng, tuple(c for c, _ in lists.INDIAN_CITIES + lists.CANADIAN_CITIES), count)
    tags = np.array([f"{salt[0].upper()}{i:03d}" for i in range(count)], dtype=object)
    return words + " " + kinds + " " + cities + " " + tags


def _plant_rings(rng: np.random.Generator, columns: dict[str, Array], count: int) -> Array:
    """Tie `count` rings of applications together; the ring id per application (-1: none)."""
    import numpy as np

    n = len(columns["phone"])
    sizes = rng.integers(5, 26, count)
    members = rng.permutation(n)[: int(sizes.sum())]
    ring = np.full(n, -1, dtype=np.int64)
    agents = _agent_names(rng, count, "ring")
    start = 0
    for r, size in enumerate(sizes):
        rows = members[start : start + int(size)]
        start += int(size)
        ring[rows] = r
        _ring_ties(rng, columns, rows, agents[r])
    return ring


def _ring_ties(
    rng: np.random.Generator, columns: dict[str, Array], rows: Array, agent: str
) -> None:
    import numpy as np

    k = len(rows)
    columns["agent"][rows] = agent
    accounts = _digits(rng, 2, 14)
    phones = "+91" + _digits(rng, 2, 10)
    place = _addresses(rng, np.ones(1, dtype=bool))
    for name, values, share in (("bank_account", accounts, 0.8), ("phone", phones, 0.5)):
        tied = rows[rng.random(k) < share]
        columns[name][tied] = values[rng.integers(0, len(values), len(tied))]
    housed = rows[rng.random(k) < 0.4]
    for name in ("address", "city", "postcode", "country"):
        columns[name][housed] = place[name][0]
    columns["employer"][rows[rng.random(k) < 0.5]] = f"{agent.split()[0]} Holdings Ltd"
    reused = rows[: max(2, k // 6)]
    columns["passport_number"][reused] = columns["passport_number"][reused[0]]
    refused = rows[rng.random(k) < 0.7]
    columns["outcome"][refused] = "refused"
