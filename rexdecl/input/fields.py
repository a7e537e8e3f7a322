"""The input contract (``workbook-format.md``, input format v1) as data: sheets, fields,
columns, their Indonesian aliases, kinds and whether they are required.

The reader, the blank template and the MISSING-FIELD rule all read these tables, so a
field is added in one place.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from rexdecl.i18n import N_

Kind = Literal["text", "date", "number", "code", "country", "integer", "hs", "chapters"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    aliases: tuple[str, ...] = ()
    kind: Kind = "text"
    # "yes": always required; "unless-registration": required unless the registration
    # supplies it; "signature": required when the scheme's declaration has signature lines
    # (uk-dcts) and a statement is printed; "": optional.
    required: str = ""
    example: object = None
    meaning: str = ""
    # The example an Indonesian template writes, when it differs from ``example``.
    example_id: object = None


def normalise_name(name: str) -> str:
    """Header/field matching key: case-insensitive, ignoring spaces, ``_``, ``-`` and ``.``."""
    return "".join(ch for ch in name.casefold() if not ch.isspace() and ch not in "_-.:")


@dataclass(frozen=True)
class SheetSpec:
    name: str
    aliases: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    layout: Literal["field-value", "table"]
    required: bool

    def lookup(self) -> dict[str, FieldSpec]:
        table: dict[str, FieldSpec] = {}
        for spec in self.fields:
            for key in (spec.name, *spec.aliases):
                table[normalise_name(key)] = spec
        return table

    def matches(self, title: str) -> bool:
        return normalise_name(title) in _sheet_keys(self.name, self.aliases)


@functools.cache
def _sheet_keys(name: str, aliases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalise_name(n) for n in (name, *aliases))


SHIPMENT = SheetSpec(
    "Shipment",
    ("Pengiriman",),
    (
        FieldSpec("invoice_number", ("no_invoice",), "text", "yes", "INV/2026/001", N_("commercial invoice number")),
        FieldSpec(
            "invoice_date",
            ("tanggal_invoice",),
            "date",
            "yes",
            "2026-11-20",
            N_("date of issue = date of the statement"),
        ),
        FieldSpec(
            "exporter_rex",
            ("no_rex",),
            "code",
            "",
            "IDREX0000000000000000000",
            N_("REX number (required above EUR 6,000 of originating products)"),
        ),
        FieldSpec(
            "exporter_name",
            ("nama_eksportir",),
            "text",
            "unless-registration",
            "PT Contoh Ekspor",
            N_("exporter's name"),
        ),
        FieldSpec(
            "exporter_address",
            ("alamat_eksportir",),
            "text",
            "unless-registration",
            "Jl. Contoh No. 1, Pekalongan 51111",
            N_("exporter's full address"),
        ),
        FieldSpec(
            "exporter_country",
            ("negara_eksportir",),
            "country",
            "unless-registration",
            "ID",
            N_("ISO alpha-2 code or the country's name; default origin of every line"),
        ),
        FieldSpec(
            "consignee_name",
            ("nama_penerima",),
            "text",
            "yes",
            "Example Imports GmbH",
            N_("consignee's name"),
            "Contoh Impor GmbH",
        ),
        FieldSpec(
            "consignee_address",
            ("alamat_penerima",),
            "text",
            "yes",
            "Musterstrasse 1, 10115 Berlin",
            N_("consignee's full address"),
        ),
        FieldSpec(
            "consignee_country",
            ("negara_penerima",),
            "country",
            "yes",
            "DE",
            N_("ISO alpha-2 code or the country's name"),
        ),
        FieldSpec(
            "destination_country",
            ("negara_tujuan",),
            "country",
            "",
            "DE",
            N_("ISO alpha-2 code or the country's name; default consignee_country"),
        ),
        FieldSpec(
            "scheme",
            ("skema",),
            "code",
            "",
            "eu-gsp",
            N_("{schemes}; default from the destination"),
        ),
        FieldSpec("customs_id", ("no_identitas_pabean",), "text", "", "", N_("uk-dcts: customs identification number")),
        FieldSpec("currency", ("mata_uang",), "code", "yes", "EUR", N_("ISO 4217")),
        FieldSpec("eur_rate", ("kurs_eur",), "number", "", "", N_("units of the invoice currency per 1 EUR")),
        FieldSpec("chf_rate", ("kurs_chf",), "number", "", "", N_("units of the invoice currency per 1 CHF")),
        FieldSpec("number_format", ("format_angka",), "code", "", "en", N_("id (1.234,56) or en (1,234.56)"), "id"),
        FieldSpec("consignment_ref", ("no_bl",), "text", "", "", N_("bill of lading / air waybill number")),
        FieldSpec("statement_language", ("bahasa_pernyataan",), "code", "", "en", N_("{languages}")),
        FieldSpec("incoterm", (), "text", "", "FOB", N_("printed on the invoice")),
        FieldSpec("delivery_place", (), "text", "", "Semarang", N_("printed")),
        FieldSpec("payment_terms", (), "text", "", "T/T 30 days", N_("printed"), "T/T 30 hari"),
        FieldSpec("buyer_order", (), "text", "", "", N_("printed")),
        FieldSpec("lc_number", (), "text", "", "", N_("printed")),
        FieldSpec("port_of_loading", (), "text", "", "Tanjung Emas, Semarang", N_("printed")),
        FieldSpec("port_of_discharge", (), "text", "", "Hamburg", N_("printed")),
        FieldSpec("vessel", ("kapal",), "text", "", "", N_("printed")),
        FieldSpec("export_date", ("tanggal_ekspor",), "date", "", "", N_("shipment / bill of lading date")),
        FieldSpec(
            "expected_import_date", ("perkiraan_tiba",), "date", "", "", N_("expected release in the destination")
        ),
        FieldSpec("peb_number", (), "text", "", "", N_("Indonesian export declaration (PEB)")),
        FieldSpec("peb_date", (), "date", "", "", N_("PEB date")),
        FieldSpec("eska_code", ("kode_autentik",), "text", "", "", N_("e-SKA authentic code of the DAB")),
        FieldSpec("invoice_total", ("total_invoice",), "number", "", "", N_("must equal the sum of the line amounts")),
        FieldSpec("notes", ("catatan",), "text", "", "", N_("printed on the invoice")),
        FieldSpec(
            "signatory_name",
            ("nama_penandatangan",),
            "text",
            "signature",
            "Budi Contoh",
            N_("who signs for the exporter; printed in the signature block"),
        ),
        FieldSpec(
            "signatory_title",
            ("jabatan_penandatangan",),
            "text",
            "",
            "Export Manager",
            N_("the signatory's position"),
            "Manajer Ekspor",
        ),
        FieldSpec(
            "place_of_issue",
            ("tempat_terbit",),
            "text",
            "signature",
            "Pekalongan",
            N_("town where the documents are issued and signed"),
        ),
        FieldSpec(
            "bank_details",
            ("rekening_bank",),
            "text",
            "",
            "",
            N_("printed on the invoice (bank, account, SWIFT)"),
        ),
        FieldSpec(
            "consignee_tax_id",
            ("npwp_penerima",),
            "text",
            "",
            "",
            N_("the consignee's VAT or EORI number, printed under its address"),
        ),
        FieldSpec(
            "freight",
            ("biaya_angkut",),
            "number",
            "",
            "",
            N_("CIF/CFR/CIP/CPT: freight, printed as a breakdown under the total"),
        ),
        FieldSpec(
            "insurance",
            ("asuransi",),
            "number",
            "",
            "",
            N_("CIF/CIP: insurance, printed as a breakdown under the total"),
        ),
    ),
    "field-value",
    True,
)

ITEMS = SheetSpec(
    "Items",
    ("Barang",),
    (
        FieldSpec("line", ("no",), "integer", "", 1, N_("line number; default row order")),
        FieldSpec(
            "description",
            ("uraian_barang",),
            "text",
            "yes",
            "Batik sarong, hand-drawn, cotton",
            "",
            "Sarung batik tulis, katun",
        ),
        FieldSpec("hs_code", ("kode_hs", "pos_tarif"), "hs", "yes", "6214.90", N_("6-10 digits")),
        FieldSpec("quantity", ("jumlah",), "number", "yes", 100, ""),
        FieldSpec("unit", ("satuan",), "text", "yes", "PCS", ""),
        FieldSpec("unit_price", ("harga_satuan",), "number", "yes", "12.50", "", "12,50"),
        FieldSpec("amount", ("nilai",), "number", "", 1250, N_("default quantity x unit_price")),
        FieldSpec(
            "origin_country",
            ("negara_asal",),
            "country",
            "",
            "ID",
            N_("ISO alpha-2 code or the country's name; default the exporter's country"),
        ),
        FieldSpec(
            "origin_criterion",
            ("kriteria_asal",),
            "text",
            "yes",
            "W 6214",
            N_("P, W, W 6214, a cumulation mention or no"),
        ),
        FieldSpec(
            "origin_note", ("catatan_asal",), "text", "", "", N_("how the line meets its rule (kept, not printed)")
        ),
        FieldSpec("ex_works_value", ("nilai_exw",), "number", "", "", N_("ex-works price of the line")),
        FieldSpec("packages", ("koli",), "number", "", 2, N_("packing list")),
        FieldSpec("package_type", ("jenis_kemasan",), "text", "", "CARTON", N_("packing list"), "KARTON"),
        FieldSpec("marks", ("merek",), "text", "", "EXP-1", N_("packing list")),
        FieldSpec("net_kg", ("berat_bersih",), "number", "", 30, N_("packing list")),
        FieldSpec("gross_kg", ("berat_kotor",), "number", "", 32, N_("packing list")),
        FieldSpec("cbm", ("volume",), "number", "", "0.12", N_("packing list"), "0,12"),
    ),
    "table",
    True,
)

MATERIALS = SheetSpec(
    "Materials",
    ("Bahan",),
    (
        FieldSpec("line", ("no",), "integer", "yes", 1, N_("the Items line the material goes into")),
        FieldSpec("description", ("uraian",), "text", "yes", "Cotton grey cloth", "", "Kain katun grey"),
        FieldSpec("hs_code", ("kode_hs",), "hs", "yes", "5208", N_("4-10 digits")),
        FieldSpec("origin", ("asal",), "country", "yes", "CN", N_("ISO alpha-2 code, the country's name, or unknown")),
        FieldSpec("value", ("nilai",), "number", "yes", 400, N_("in the invoice currency")),
    ),
    "table",
    False,
)

# Indonesian aliases of the registration fields are our own choice [I]: the format names
# the fields only in English.
EXPORTER = SheetSpec(
    "Exporter",
    ("Eksportir",),
    (
        FieldSpec("rex_number", ("no_rex",), "code", "yes", "IDREX0000000000000000000", N_("as registered, no spaces")),
        FieldSpec("name", ("nama",), "text", "yes", "PT Contoh Ekspor", ""),
        FieldSpec("address", ("alamat",), "text", "", "Jl. Contoh No. 1, Pekalongan 51111", ""),
        FieldSpec("country", ("negara",), "country", "", "ID", N_("ISO alpha-2 code or the country's name")),
        FieldSpec(
            "registered_on",
            ("tanggal_registrasi",),
            "date",
            "",
            "2020-02-03",
            N_("date from which the registration is valid"),
        ),
        FieldSpec("revoked_on", ("tanggal_pencabutan",), "date", "", "", N_("optional")),
        FieldSpec("npwp", (), "text", "", "", N_("optional, printed on the invoice")),
        FieldSpec("activity", ("kegiatan",), "code", "", "producer", N_("producer or trader")),
        FieldSpec("hs_chapters", ("bab_hs",), "chapters", "", "", N_("goods declared at registration")),
        FieldSpec("contact", ("kontak",), "text", "", "", N_("optional")),
    ),
    "field-value",
    False,
)

SHEETS = (SHIPMENT, ITEMS, MATERIALS, EXPORTER)

# The languages a template is written in, and the mark in the first cell of its example row
# (Items, Materials; the heading of the example column in Shipment and Exporter). The example
# values are the fields' own (``example``, ``example_id``): the reader skips a marked row only
# while it holds exactly one language's example values, and reads it as a line otherwise.
TEMPLATE_LANGUAGES = ("en", "id")
EXAMPLE_LABELS = {"en": "example (contoh) – ignored", "id": "contoh (example) – diabaikan"}


def allowed_values(name: str) -> tuple[str, ...]:
    """The values a field may take that come from the scheme data (``scheme``: the enabled
    schemes; ``statement_language``: their languages); empty for other fields."""
    from rexdecl import schemes

    if name == "scheme":
        return schemes.enabled_ids()
    if name == "statement_language":
        return schemes.statement_languages()
    return ()


def _untranslated(message: str) -> str:
    return message


def _or(values: tuple[str, ...], translate: Callable[[str], str]) -> str:
    if len(values) == 1:
        return values[0]
    return translate(N_("{first} or {last}")).format(first=", ".join(values[:-1]), last=values[-1])


def meaning_of(spec: FieldSpec, translate: Callable[[str], str] = _untranslated) -> str:
    """What a field means, with the values of the scheme data filled in ("eu-gsp, uk-dcts,
    no-gsp or ch-gsp; default from the destination"); ``translate`` gives its words in the
    language of a template (English by default)."""
    text = translate(spec.meaning) if spec.meaning else ""
    if "{" not in text:
        return text
    return text.format(
        schemes=_or(allowed_values("scheme"), translate),
        languages=_or(allowed_values("statement_language"), translate),
    )


def sheet_title(spec: SheetSpec, language: str = "en") -> str:
    """The name of a sheet in a template written in ``language`` (Indonesian: its alias)."""
    return spec.aliases[0] if language == "id" and spec.aliases else spec.name


def field_title(spec: FieldSpec, language: str = "en") -> str:
    """The name of a field in a template written in ``language``: the Indonesian alias where
    the format has one, else the field's own name (a name, not a word to translate)."""
    return spec.aliases[0] if language == "id" and spec.aliases else spec.name


def example_value(spec: FieldSpec, language: str = "en") -> object:
    """The example of ``spec`` that a template written in ``language`` holds."""
    if language == "id" and spec.example_id is not None:
        return spec.example_id
    return spec.example


def example_marks() -> tuple[str, ...]:
    """How a marked row's first cell starts, normalised (the label before its dash), per
    language: a description such as "Contoh kain batik" is not a mark."""
    return tuple(normalise_name(label.split(" – ")[0]) for label in EXAMPLE_LABELS.values())


# First cell of a field/value sheet's row that is a template's example, not a field.
EXAMPLE_MARKERS = ("example", "contoh", "e.g.")
# The heading of a field/value sheet's two columns in a template, per language.
FIELD_VALUE_HEADINGS = {"en": ("field", "value"), "id": ("isian", "nilai")}
# Either language in either column: a sheet translated by half is still headed.
FIELD_VALUE_HEADERS = {
    (field, value) for field, _value in FIELD_VALUE_HEADINGS.values() for _field, value in FIELD_VALUE_HEADINGS.values()
}
