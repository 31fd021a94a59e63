"""Hardened Bloom-filter encodings (CLKs) of application records, for cross-border matching.

A cryptographic long-term key (Schnell, Bachteler and Reiher, "A novel error-tolerant anonymous
linking code", German RLC working paper WP-GRLC-2011-02, 2011:
https://papers.ssrn.com/abstract=3549247; the Bloom-filter method of their 2009 paper
"Privacy-preserving record linkage using Bloom filters", BMC Medical Informatics and Decision
Making 9:41: https://bmcmedinformdecismak.biomedcentral.com/articles/10.1186/1472-6947-9-41)
puts the q-grams of several identity fields into one Bloom filter of `bits` bits: each q-gram
sets `k` bit positions chosen by keyed hash functions, so records that share most q-grams share
most bits, and the Dice coefficient of two filters tracks the similarity of the records. Only
the holders of the secret, shared out of band, can compute the positions.

Hardening against the published attacks (frequency cryptanalysis: Christen, Schnell, Vatsalan
and Ranbaduge, "Efficient cryptanalysis of Bloom filters for privacy-preserving record linkage",
PAKDD 2017: https://link.springer.com/chapter/10.1007/978-3-319-57454-7_49; pattern mining:
Christen, Vidanage, Ranbaduge and Schnell, "Pattern-mining based cryptanalysis of Bloom filters
for privacy-preserving record linkage", PAKDD 2018:
https://unpaywall.org/10.1007%2F978-3-319-93040-4_42; Niedermeyer, Steinmetzer, Kroll and
Schnell, "Cryptanalysis of basic Bloom filters used for privacy preserving record linkage",
Journal of Privacy and Confidentiality 6(2), 2014:
https://1library.net/document/8ydeo2eq-cryptanalysis-basic-bloom-filters-privacy-preserving-record-linkage.html;
the techniques compared by Franke, Sehili, Rohde and Rahm, "Evaluation of hardening techniques
for privacy-preserving record linkage", EDBT 2021:
https://www.readkong.com/page/evaluation-of-hardening-techniques-for-privacy-preserving-7021806),
all of it here:

- **Random hashing with keyed HMAC-SHA256**: every position of every q-gram comes from its own
  HMAC output, not from double hashing, whose arithmetic structure the attack of Niedermeyer et
  al. exploits (that it is the double hashing they exploit is from memory, not confirmed).
- **Per-attribute keys (attribute salting)**: each field has its own key derived from the secret
  and the field name, so the same q-gram in two fields sets unrelated bits and the bit patterns
  of a frequent name cannot be found again in another field.
- **Attribute weighting**: each field has its own number of hash functions (more for the more
  distinguishing fields), as the CLK paper above allows, so a filter is not a uniform mix an
  attacker can read field by field. Field weights in record-level Bloom filters are Durham,
  Kantarcioglu, Xue, Toth, Kuzu and Malin, "Composite Bloom filters for secure record linkage",
  IEEE TKDE 26(12), 2014 (https://search.isc.ac/inventory/49/1762613.htm), who weight fields by
  sampling bits from per-field filters rather than by the number of hash functions.
- **Balancing** (Schnell and Borgs, "Randomized response and balanced Bloom filters for privacy
  preserving record linkage", IEEE ICDM Workshops 2016: https://core.ac.uk/works/8010761): the
  filter is concatenated with its complement and the 2·bits positions are shuffled by a keyed
  permutation, so every encoding has the same Hamming weight (`bits`) and frequent records no
  longer stand out by their weight, the first step of the frequency and pattern-mining attacks.
- **XOR-folding**: the alternative to balancing; the two halves of the filter are XORed, so no
  bit can be traced back to a single q-gram. Attributed from memory to Schnell, Borgs and
  Encarnação, "Hardening encrypted patient names against cryptographic attacks using
  cryptographic long-term keys", German RLC WP-GRLC-2016-01: not confirmed.

Encoding is vectorised: the HMAC positions of each distinct (field, q-gram) and the union of
positions of each distinct (field, value) are computed once and cached for the run (as secure as
recomputing them: the cache never leaves the process), then bits are set for a block of records
at a time with numpy.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from liaison.errors import InvalidInput
from liaison.stix.pprl import (
    HARDENINGS,
    NORMALISERS,
    SCHEME,
    EncodingParameters,
    Hardening,
    Normaliser,
)

MIN_SECRET_BYTES = 16
BLOCK_RECORDS = 8192
Bits = npt.NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class ClkField:
    """One encoded field: its column, how it is normalised, its q-gram length and its weight
    (the number of hash functions each of its q-grams sets)."""

    name: str
    hashes: int
    q: int = 2
    normaliser: Normaliser = "text"

    def as_json(self) -> dict[str, Any]:
        """The field as it travels in an encodings object's parameters."""
        return {
            "name": self.name,
            "hashes": self.hashes,
            "q": self.q,
            "normaliser": self.normaliser,
        }


DEFAULT_FIELDS: tuple[ClkField, ...] = (
    ClkField("given_name", 10, 2, "name"),
    ClkField("family_name", 10, 2, "name"),
    ClkField("date_of_birth", 10, 2, "date"),
    ClkField("passport_number", 8, 2, "code"),
    ClkField("national_id", 8, 2, "code"),
    ClkField("address", 4, 2, "text"),
    ClkField("city", 4, 2, "name"),
    ClkField("postcode", 4, 2, "code"),
    ClkField("phone", 4, 2, "digits"),
    ClkField("email", 4, 2, "text"),
)
"""The schema's identity fields, weighted by how much each tells records apart."""


@dataclass(frozen=True, slots=True)
class ClkParams:
    """How records are encoded; both parties must use the same parameters (and secret)."""

    bits: int = 1024
    hardening: Hardening = "balance"
    fields: tuple[ClkField, ...] = DEFAULT_FIELDS

    def __post_init__(self) -> None:
        if self.bits < 128 or self.bits > 8192 or self.bits & (self.bits - 1):
            raise InvalidInput(f"bits must be a power of two from 128 to 8192, not {self.bits}")
        if self.hardening not in HARDENINGS:
            raise InvalidInput(f"hardening must be one of {', '.join(HARDENINGS)}")
        if not self.fields:
            raise InvalidInput("at least one field must be encoded")
        names = [spec.name for spec in self.fields]
        if len(set(names)) != len(names):
            raise InvalidInput("each field may be encoded once")
        for spec in self.fields:
            if not 1 <= spec.hashes <= 64 or not 1 <= spec.q <= 4:
                raise InvalidInput(f"field {spec.name}: hashes must be 1-64 and q 1-4")
            if spec.normaliser not in NORMALISERS:
                raise InvalidInput(f"field {spec.name}: normaliser must be one of {NORMALISERS}")

    @property
    def output_bits(self) -> int:
        """Length of an encoding after hardening."""
        if self.hardening == "balance":
            return self.bits * 2
        if self.hardening == "xor-fold":
            return self.bits // 2
        return self.bits

    @property
    def words(self) -> int:
        """64-bit words per encoding."""
        return self.output_bits // 64

    def as_json(self) -> dict[str, Any]:
        """The parameters as they travel with encodings (never the secret)."""
        return {
            "scheme": SCHEME,
            "bits": self.bits,
            "hardening": self.hardening,
            "fields": [spec.as_json() for spec in self.fields],
        }

    @classmethod
    def from_json(cls, value: object) -> ClkParams:
        """Parameters read from an encodings object; InvalidInput names what is wrong."""
        try:
            parsed = EncodingParameters.model_validate(value)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"])
            raise InvalidInput(f"encoding parameters: {where}: {error['msg']}") from None
        fields = tuple(ClkField(f.name, f.hashes, f.q, f.normaliser) for f in parsed.fields)
        return cls(parsed.bits, parsed.hardening, fields)


def check_secret(secret: bytes) -> bytes:
    """The secret, once it is long enough to key HMAC-SHA256 (at least 16 bytes)."""
    if len(secret) < MIN_SECRET_BYTES:
        raise InvalidInput(
            f"the shared secret must be at least {MIN_SECRET_BYTES} bytes "
            "(e.g. `openssl rand -base64 32`)"
        )
    return secret


def _derive(secret: bytes, label: str) -> bytes:
    return hmac.new(secret, f"{SCHEME}/{label}".encode(), hashlib.sha256).digest()


def key_check(secret: bytes) -> str:
    """A check value of the secret (16 hex digits of a keyed HMAC), published with encodings so
    the receiver learns a secret mismatch at once; it reveals nothing about the secret."""
    return _derive(check_secret(secret), "key-check").hex()[:16]


_NAME_DROP = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_DIGIT = re.compile(r"[^0-9]+")


def normalise(value: str, normaliser: Normaliser) -> str:
    """The comparable form of a value: lower case, accents and punctuation dropped; dates and
    phone numbers as digits; document codes as letters and digits."""
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    if normaliser in ("date", "digits"):
        return _NOT_DIGIT.sub("", text)
    if normaliser == "code":
        return _NOT_ALNUM.sub("", text)
    if normaliser == "name":
        text = _NAME_DROP.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def qgrams(text: str, q: int) -> set[str]:
    """The q-grams of `text`, padded with q-1 '_' at each end so first and last letters count."""
    if not text:
        return set()
    padded = "_" * (q - 1) + text + "_" * (q - 1)
    return {padded[i : i + q] for i in range(len(padded) - q + 1)}


@dataclass(slots=True)
class _FieldEncoder:
    """Positions of one field's q-grams and values under the field's own key, cached."""

    spec: ClkField
    key: bytes
    bits: int
    grams: dict[str, npt.NDArray[np.int64]] = field(default_factory=dict)
    values: dict[str, npt.NDArray[np.int64]] = field(default_factory=dict)

    def gram_positions(self, gram: str) -> npt.NDArray[np.int64]:
        cached = self.grams.get(gram)
        if cached is None:
            stream = b"".join(
                hmac.new(self.key, gram.encode() + bytes([block]), hashlib.sha256).digest()
                for block in range((self.spec.hashes + 7) // 8)
            )
            words = np.frombuffer(stream, dtype="<u4")[: self.spec.hashes]
            cached = (words % self.bits).astype(np.int64)
            self.grams[gram] = cached
        return cached

    def positions(self, value: str | None) -> npt.NDArray[np.int64]:
        if not value:
            return _EMPTY
        cached = self.values.get(value)
        if cached is None:
            grams = qgrams(normalise(value, self.spec.normaliser), self.spec.q)
            if grams:
                cached = np.unique(np.concatenate([self.gram_positions(g) for g in grams]))
            else:
                cached = _EMPTY
            self.values[value] = cached
        return cached


_EMPTY: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)


class Encoder:
    """Encodes records under one secret and one set of parameters."""

    def __init__(self, secret: bytes, params: ClkParams) -> None:
        check_secret(secret)
        self.params = params
        self.key_check = key_check(secret)
        self._fields = [
            _FieldEncoder(spec, _derive(secret, f"field/{spec.name}"), params.bits)
            for spec in params.fields
        ]
        self._permutation = _keyed_permutation(_derive(secret, "balance"), params.bits * 2)

    def encode(self, columns: Mapping[str, Sequence[str | None]]) -> Bits:
        """The encodings of the records given column by column (absent columns and empty values
        set no bits), as an (n, words) array of little-endian 64-bit words."""
        lengths = {len(values) for values in columns.values()}
        if len(lengths) > 1:
            raise InvalidInput("columns of different lengths")
        count = lengths.pop() if lengths else 0
        blocks = [
            self._encode_block(columns, start, min(start + BLOCK_RECORDS, count))
            for start in range(0, count, BLOCK_RECORDS)
        ]
        if not blocks:
            return np.zeros((0, self.params.words), dtype=np.uint64)
        return np.concatenate(blocks)

    def _encode_block(
        self, columns: Mapping[str, Sequence[str | None]], start: int, end: int
    ) -> Bits:
        parts: list[npt.NDArray[np.int64]] = []
        lengths: list[int] = []
        present = [
            (encoder, columns[encoder.spec.name])
            for encoder in self._fields
            if encoder.spec.name in columns
        ]
        for row in range(start, end):
            record = [encoder.positions(values[row]) for encoder, values in present]
            parts.extend(record)
            lengths.append(sum(len(p) for p in record))
        rows = np.repeat(np.arange(end - start), lengths)
        filters = np.zeros((end - start, self.params.bits), dtype=bool)
        if parts:
            filters[rows, np.concatenate(parts)] = True
        return pack(self._harden(filters))

    def _harden(self, filters: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        if self.params.hardening == "balance":
            return np.concatenate([filters, ~filters], axis=1)[:, self._permutation]
        if self.params.hardening == "xor-fold":
            half = self.params.bits // 2
            return filters[:, :half] ^ filters[:, half:]
        return filters


def _keyed_permutation(key: bytes, size: int) -> npt.NDArray[np.int64]:
    """A permutation of range(size) only holders of the key can compute: positions sorted by
    their HMAC."""
    tags = [
        hmac.new(key, index.to_bytes(4, "big"), hashlib.sha256).digest() for index in range(size)
    ]
    return np.array(sorted(range(size), key=tags.__getitem__), dtype=np.int64)


def pack(filters: npt.NDArray[np.bool_]) -> Bits:
    """Boolean filters (n, bits) as (n, bits/64) little-endian 64-bit words."""
    packed = np.packbits(filters, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8").astype(np.uint64, copy=False)


def unpack(encodings: Bits, bits: int) -> npt.NDArray[np.bool_]:
    """The inverse of `pack`."""
    raw = np.ascontiguousarray(encodings.astype("<u8", copy=False)).view(np.uint8)
    return np.unpackbits(raw, axis=1, bitorder="little", count=bits).astype(bool)


def to_bytes(encodings: Bits) -> bytes:
    """Encodings as bytes, record after record (the wire form)."""
    return np.ascontiguousarray(encodings.astype("<u8", copy=False)).tobytes()


def from_bytes(data: bytes, params: ClkParams) -> Bits:
    """Encodings read back from their wire form; InvalidInput when the length does not fit."""
    width = params.words * 8
    if len(data) % width:
        raise InvalidInput(
            f"encodings: {len(data)} bytes is not a whole number of {width}-byte records"
        )
    return np.frombuffer(data, dtype="<u8").reshape(-1, params.words).astype(np.uint64)
