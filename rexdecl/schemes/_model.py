"""What a scheme is, as values: its texts, its beneficiaries, the periods of its legal basis
(``schemes.toml`` and the files it names). Frozen: the rules and the documents read them,
nothing changes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

T = TypeVar("T")


def with_mark(text: str, mark: str | None) -> str:
    """``text [V2]``: a reference with its evidence mark, unless the text already has it."""
    if not mark or f"[{mark}" in text:
        return text
    return f"{text} [{mark}]"


class FrozenMap(Mapping[str, T]):
    """A read-only mapping that can be pickled (batch sends results between processes): a
    frozen value's tables cannot be changed either."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, T] | None = None) -> None:
        self._data: dict[str, T] = dict(data or {})

    def __getitem__(self, key: str) -> T:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __eq__(self, other: object) -> bool:
        return dict(self._data) == other if isinstance(other, Mapping) else NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._data.items()))

    def __reduce__(self) -> tuple[type[FrozenMap[T]], tuple[dict[str, T]]]:
        return (FrozenMap, (self._data,))


def frozen_mapping(mapping: Mapping[str, T] | None = None) -> Mapping[str, T]:
    """A read-only mapping: a frozen value's tables cannot be changed either."""
    return FrozenMap(mapping)


@dataclass(frozen=True)
class DataFile:
    """A data file a scheme names: in the package's ``rexdecl/data`` (``folder`` empty), or
    beside the user's scheme file that names it."""

    name: str
    folder: str = ""

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Period:
    """A fact that holds from ``start`` to ``until`` (both inclusive, either open)."""

    text: str
    start: dt.date | None
    until: dt.date | None
    mark: str
    source: str

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.until is None or day <= self.until)

    @property
    def cited(self) -> str:
        """``Reg. (EU) No 978/2012 until 2026-12-31 [V]``."""
        when = ""
        if self.start and self.until:
            when = f" {self.start.isoformat()} to {self.until.isoformat()}"
        elif self.until:
            when = f" until {self.until.isoformat()}"
        elif self.start:
            when = f" from {self.start.isoformat()}"
        return with_mark(self.text + when, self.mark)


@dataclass(frozen=True)
class Beneficiary:
    """A country's entry as a beneficiary of a scheme, from the scheme's own entries or its
    beneficiary file (``rex-countries.csv``): covered from ``start`` to ``until``."""

    iso2: str
    start: dt.date | None
    until: dt.date | None
    mark: str
    source: str
    name: str = ""
    # standard | gsp+ | eba | none | unclear (rex-countries.csv); "" when the data says nothing.
    arrangement: str = ""
    rex_from: dt.date | None = None
    form_a_until: dt.date | None = None
    rex_from_raw: str = ""  # rex_from as the file writes it (``not_applied_as_at_2020-01-01``)
    # A known risk of removal without a date (SCHEME-ELIGIBILITY-RISK), in English and Indonesian.
    risk: str = ""
    risk_id: str = ""
    risk_mark: str = ""
    risk_source: str = ""

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.until is None or day <= self.until)

    @property
    def confirmed(self) -> bool:
        """False when the data only says the arrangement is ``none``/``unclear`` without a date."""
        return not (self.arrangement in ("none", "unclear") and self.until is None)

    @property
    def cited(self) -> str:
        return with_mark(self.source, self.mark)


@dataclass(frozen=True)
class SchemeText:
    """The statutory text of a scheme in one language, and the words around it."""

    statement: str
    rex_bracket: str
    item: str
    items: str
    not_originating: str
    cumulation: Mapping[str, str]
    place_and_date: str = ""
    name_and_signature: str = ""


@dataclass(frozen=True)
class Scheme:
    """One entry of the scheme data. Facts are data; only where a scheme behaves differently
    does a module of its own (:func:`rexdecl.schemes.behaviour`) add logic."""

    id: str
    name: str
    enabled: bool = True
    disabled_reason: str = ""
    disabled_reason_id: str = ""
    # What the statement rests on (eu-gsp: Art. 92 and Annex 22-07 UCC IA), its mark.
    legal_basis: str = ""
    legal_basis_mark: str = ""
    # The scheme's own act by period (eu-gsp: Reg. 978/2012 until 2026-12-31, then its successor).
    regulations: tuple[Period, ...] = ()
    # The statutory text's evidence mark and source.
    mark: str = ""
    source: str = ""
    # A scheme not in force (the CEPA): what is known of its status, in English and Indonesian.
    status: str = ""
    status_id: str = ""
    status_mark: str = ""
    status_source: str = ""
    parties: tuple[str, ...] = ()  # the countries a disabled agreement would cover
    languages: tuple[str, ...] = ()
    languages_source: str = ""
    identifier: str = "rex"  # "rex" or "customs_id": what stands in the statement's bracket
    identifier_source: str = ""
    # Norway's official example prints the REX number after the name, without the bracket.
    rex_without_bracket: bool = False
    heading: str = ""  # printed above the statement on the documents ("Statement on origin")
    signature: bool = False
    signature_source: str = ""
    territory_file: DataFile | None = None
    territory_codes: tuple[str, ...] = ()
    territory_name: str = ""
    territory_name_id: str = ""
    territory_source: str = ""
    beneficiaries_file: DataFile | None = None
    beneficiaries: tuple[Beneficiary, ...] = ()
    # Whether a country absent from the beneficiary data is not a beneficiary (a complete
    # list, such as the file of the EU GSP) or only unknown to rexdecl (DATA-MISSING).
    beneficiaries_complete: bool = False
    threshold: Decimal | None = None
    threshold_currency: str | None = None
    threshold_code: str | None = None
    rate_field: str | None = None
    threshold_source: str = ""
    validity_months: int | None = None
    validity_source: str = ""
    validity_note: str = ""
    validity_note_id: str = ""
    cumulation: tuple[str, ...] = ()
    cumulation_source: str = ""
    cumulation_note: str = ""
    # Countries whose materials count under a bilateral cumulation mention (norway: NO).
    cumulation_countries: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_mapping)
    # Extended cumulation granted, as origin country -> partners (none recorded for Indonesia).
    extended_cumulation: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_mapping)
    cumulation_groups_file: DataFile | None = None
    cumulation_exclusions_file: DataFile | None = None
    product_rules_file: DataFile | None = None
    # Arrangements (of the beneficiary data) that use the LDC column of the product rules.
    product_rules_ldc: tuple[str, ...] = ()
    graduation_file: DataFile | None = None
    rex_dates: bool = False
    # Art. 90(1) UCC IA: the REX registrations of a country removed from the scheme are revoked.
    revokes_registrations_after_exit: bool = False
    revocation_source: str = ""
    # Countries whose statements need an authentic code of their own system (Indonesia: e-SKA).
    authentic_code_countries: tuple[str, ...] = ()
    authentic_code_source: str = ""
    # What the country blank prints for an origin code (Annex 22-07 fn. 5: EU, CM).
    origin_symbols: Mapping[str, str] = field(default_factory=frozen_mapping)
    origin_symbols_source: str = ""
    # The rule catalogue's references (rules.md, written for the EU GSP) apply to this
    # scheme; the findings of other schemes cite the sources of their own data.
    rule_catalogue: bool = False
    texts: Mapping[str, SchemeText] = field(default_factory=frozen_mapping)
    # Where the entry came from: the package's schemes.toml or a user's file.
    origin_file: str = "schemes.toml"

    def regulation_on(self, day: dt.date) -> Period | None:
        """The scheme's own act on ``day`` (None when the data names none for that day)."""
        return next((period for period in self.regulations if period.covers(day)), None)

    @property
    def legal_reference(self) -> str:
        """The whole legal basis as cited: the statement's basis, then the scheme's acts by period."""
        parts = [with_mark(self.legal_basis, self.legal_basis_mark)] if self.legal_basis else []
        parts += [period.cited for period in self.regulations]
        return "; ".join(parts) or with_mark(self.source, self.mark)

    @property
    def has_territory(self) -> bool:
        return self.territory_file is not None or bool(self.territory_codes)
