"""Whether a blank names a country: country names (CLDR, through Babel, in the statement
languages of the scheme data), the symbols the schemes print ("EU", "CM") and the adjectives
of common GSP beneficiaries, case and accents ignored."""

from __future__ import annotations

import re
from functools import cache

from rexdecl import legal
from rexdecl.lint.text import fold

# Adjectives of common GSP beneficiaries (EN; FR m/f; ES m/f). Not a legal fact: a
# linguistic aid for the linter (statement-on-origin.md, "Filling the blanks" 3).
_ADJECTIVES = {
    "AF": "Afghan afghan afghane afgano afgana",
    "AO": "Angolan angolais angolaise angoleño angoleña",
    "BD": "Bangladeshi bangladais bangladaise bangladesí",
    "BO": "Bolivian bolivien bolivienne boliviano boliviana",
    "CD": "Congolese congolais congolaise congoleño congoleña",
    "CG": "Congolese congolais congolaise congoleño congoleña",
    "CI": "Ivorian ivoirien ivoirienne marfileño marfileña",
    "CM": "Cameroonian camerounais camerounaise camerunés camerunesa",
    "ET": "Ethiopian éthiopien éthiopienne etíope",
    "GH": "Ghanaian ghanéen ghanéenne ghanés ghanesa",
    "HT": "Haitian haïtien haïtienne haitiano haitiana",
    "ID": "Indonesian indonésien indonésienne indonesio indonesia",
    "IN": "Indian indien indienne indio india",
    "KE": "Kenyan kényan kényane keniano keniana",
    "KG": "Kyrgyz kirghize kirguís kirguisa",
    "KH": "Cambodian cambodgien cambodgienne camboyano camboyana",
    "LA": "Lao Laotian laotien laotienne laosiano laosiana",
    "LK": "Sri_Lankan sri-lankais sri-lankaise ceilandés ceilandesa esrilanqués esrilanquesa",
    "MG": "Malagasy malgache",
    "MM": "Burmese Myanma birman birmane birmano birmana",
    "MN": "Mongolian mongol mongole mongola",
    "MZ": "Mozambican mozambicain mozambicaine mozambiqueño mozambiqueña",
    "NG": "Nigerian nigérian nigériane nigeriano nigeriana",
    "NP": "Nepalese Nepali népalais népalaise nepalí nepalés nepalesa",
    "PH": "Philippine Filipino philippin philippine filipino filipina",
    "PK": "Pakistani pakistanais pakistanaise paquistaní pakistaní",
    "SN": "Senegalese sénégalais sénégalaise senegalés senegalesa",
    "SY": "Syrian syrien syrienne sirio siria",
    "TJ": "Tajik tadjik tadjike tayiko tayika",
    "TZ": "Tanzanian tanzanien tanzanienne tanzano tanzana",
    "UG": "Ugandan ougandais ougandaise ugandés ugandesa",
    "UZ": "Uzbek ouzbek ouzbèke uzbeko uzbeka",
    "VN": "Vietnamese vietnamien vietnamienne vietnamita",
    "YE": "Yemeni yéménite yemení",
}
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ"}
_ARTICLES = re.compile(r"^(?:the|republic of|la|le|les|l'|el|los|las)\s*", re.IGNORECASE)


def _country_key(text: str) -> str:
    return re.sub(r"[\s'\-.]", "", fold(text))


@cache
def _country_keys() -> frozenset[str]:
    """Country names (CLDR, through Babel, in the statement languages) and adjectives."""
    from babel import Locale

    keys: set[str] = set()
    from rexdecl.schemes import statement_languages

    for language in statement_languages():
        for code, name in Locale.parse(language).territories.items():
            if len(code) != 2 or not code.isalpha() or code in _NOT_COUNTRIES:
                continue
            keys.add(_country_key(name))
            keys.add(_country_key(re.sub(r"\s*\(.*?\)", "", name)))
            keys.add(_country_key(name.split(" - ")[0]))
    keys.update(_country_key(c.name) for c in legal.rex_countries().values())
    for words in _ADJECTIVES.values():
        keys.update(_country_key(w.replace("_", " ")) for w in words.split())
    # Symbols a scheme prints instead of a name (Annex 22-07 fn. 5 [V]: "EU", "CM").
    keys.update(_country_key(symbol) for s in legal.schemes().values() for symbol in s.origin_symbols.values())
    return frozenset(keys)


def is_country(text: str) -> bool:
    """Whether ``text`` names a country: a CLDR name in English, French or Spanish, or an
    adjective of the table ("Indonesia", "Indonesian", "Indonésie", "indonésienne")."""
    value = _ARTICLES.sub("", " ".join(text.split()).strip(" ,;:\"'"))
    return bool(value) and _country_key(value) in _country_keys()


def example_country(language: str) -> str:
    """Indonesia, as the statement's language writes it (EN and ES "Indonesia")."""
    return "Indonésie" if language == "fr" else "Indonesia"
