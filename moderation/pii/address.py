"""Street addresses and postcodes (a bare number is a postcode only in context)."""

from __future__ import annotations

import re

from .base import _STOP, _Candidate, _scan

_EN_TYPES_PLAIN = (
    r"street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd|crescent|cres|terrace|tce|"
    r"highway|hwy|parkway|pkwy|gardens|gdns"
)
_EN_TYPES_CAPITAL = (
    r"drive|dr|close|court|ct|way|place|pl|square|sq|grove|hill|parade|row|mews|walk|"
    r"circle|cir|trail|green|park|rise|view|vale"
)
_UNIT = (
    r"(?:(?i:flat|apt\.?|apartment|unit|suite|ste\.?|room|no\.?)"
    r"[ \t]?#?[0-9]{1,4}[A-Za-z]?,?[ \t]{1,3})?"
)
_HOUSE_NO = r"[0-9]{1,5}[A-Za-z]?(?:[-/][0-9]{1,5}[A-Za-z]?)?"
_NAME_WORD = r"(?:[0-9]{1,3}(?:st|nd|rd|th)|[^\W\d_][\w'’.-]{0,30})"
_EN_ADDRESS = re.compile(
    rf"(?<![\w.,/:-]){_UNIT}(?P<no>{_HOUSE_NO}),?[ \t]{{1,3}}"
    rf"(?P<name>{_NAME_WORD}(?:[ \t]{{1,2}}{_NAME_WORD}){{0,3}})[ \t]{{1,2}}"
    rf"(?P<type>(?i:{_EN_TYPES_PLAIN}|{_EN_TYPES_CAPITAL}))(?![\w'’-])\.?"
    r"(?:[ \t]{1,2}(?:NW|NE|SW|SE|N|S|E|W)(?![\w]))?"
)
_EN_CAPITAL_ONLY = re.compile(rf"(?i:{_EN_TYPES_CAPITAL})")
# Words that never name a street, whatever their case ("10 Years Down The Road").
# Words that do name streets when capitalised ("Old Kent Road", "Long Lane").
_LOWER_STOP = _STOP | frozenset(
    """long short big small good bad great only first last next new old right wrong easy
    hard lane""".split()  # noqa: SIM905
)
_FR_ADDRESS = re.compile(
    rf"(?<![\w.,/:-])(?P<no>{_HOUSE_NO})(?:[ \t]?(?i:bis|ter))?,?[ \t]{{1,3}}"
    r"(?i:rue|avenue|av\.|boulevard|bd|chemin|allée|allee|impasse|quai|route|cours|passage|"
    r"place|square|faubourg)"
    r"(?P<name>(?:[ \t]{1,2}(?:(?i:de|du|des|la|le|les|et|en|sur|sous|aux?)[ \t]{1,2}"
    r"|(?i:[dl])['’]){0,3}[A-ZÀ-Ý][\w'’-]{0,30}){1,5})"
)
_SOUTH_ADDRESS = re.compile(
    r"(?<![\w.-])(?i:calle|c/|avenida|avda\.?|plaza|pza\.?|paseo|camino|carrer|carretera|"
    r"ronda|travesía|via|viale|piazza|corso|rua|praça|travessa|largo)"
    r"(?P<name>(?:[ \t]{1,2}(?:(?i:de|del|la|las|los|el|y|da|do|dos|das|di|della|dei)[ \t])?"
    r"[A-ZÀ-Ý][\w'’-]{0,30}){1,5}),?[ \t]{1,3}(?:(?i:n[º°o]\.?|núm\.?|nr\.?)[ \t]?)?"
    r"(?P<no>[0-9]{1,4}[A-Za-z]?)(?![\w])"
)
_NORTH_ADDRESS = re.compile(
    r"(?<![\w.-])(?:"
    r"[A-ZÄÖÜ][\wäöüß-]{1,40}(?:straße|strasse|str\.|weg|platz|allee|gasse|straat|laan|"
    r"gracht|plein|kade|steeg)"
    r"|(?:[A-ZÄÖÜ][\wäöüß-]{1,30}[ \t]{1,2}){1,2}"
    r"(?:Straße|Strasse|Str\.|Weg|Platz|Allee|Gasse|Ring|Damm|Ufer)"
    r")[ \t]{1,3}(?P<no>[0-9]{1,4}[A-Za-z]?)(?![\w.,][0-9]|[\w])"
)
_PO_BOX = re.compile(r"(?i)\bP\.?[ \t]?O\.?[ \t]?Box[ \t]{1,2}[0-9]{1,6}\b")


def _en_address_ok(m: re.Match[str]) -> bool:
    words = m.group("name").split()
    capital_only = _EN_CAPITAL_ONLY.fullmatch(m.group("type")) is not None
    for word in words:
        if word[0].isdigit():
            continue  # ordinal: "5th Avenue"
        bare = word.lower().strip(".")
        if word[0].isupper():
            if bare in _STOP:
                return False
            continue
        if capital_only or bare in _LOWER_STOP:
            return False
    return True


def _find_addresses(text: str) -> list[_Candidate]:
    found = [(m.start(), m.end(), "address") for m in _scan(_EN_ADDRESS, text, _en_address_ok)]
    for pattern in (_FR_ADDRESS, _SOUTH_ADDRESS, _NORTH_ADDRESS, _PO_BOX):
        found += [(m.start(), m.end(), "address") for m in pattern.finditer(text)]
    return found


# --------------------------------------------------------------------------- postcode

_UK_POSTCODE = re.compile(
    r"(?<![\w-])(?:[A-PR-UWYZ][A-HK-Y]?[0-9][A-Z0-9]?[ \t]?[0-9][ABD-HJLNP-UW-Z]{2}|GIR[ \t]?0AA)"
    r"(?![\w-])"
)
_CA_POSTCODE = re.compile(
    r"(?<![\w-])(?:[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][ \t]?[0-9][ABCEGHJ-NPRSTV-Z][0-9]"
    r"|(?i:[abceghj-nprstvxy][0-9][abceghj-nprstv-z][ \t][0-9][abceghj-nprstv-z][0-9]))"
    r"(?![\w-])"
)
_NL_POSTCODE = re.compile(r"(?<![\w.,-])[1-9][0-9]{3}[ \t]?(?P<letters>[A-Z]{2})(?![\w-])")
# Letter pairs not used in Dutch postcodes, plus eras and units ("2000 AD", "500 MG").
_NL_NOT_PAIRS = "SA SD SS AD BC CE AM PM MG ML KG KM MB GB KB TB US UK EU HP IU MP HZ MS PS CC DC"
_NL_NOT = frozenset(_NL_NOT_PAIRS.split())
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|"
    "NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|PR|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
_ZIP_AFTER_STATE = re.compile(
    rf"(?<![\w-])(?:{_US_STATES}),?[ \t]{{1,2}}(?P<code>[0-9]{{5}}(?:-[0-9]{{4}})?)(?![\w-])"
)
_CODE_AFTER_WORD = re.compile(
    r"(?i)\b(?:zip|zip[ \t]?code|zipcode|post[ \t]?code|postal[ \t]?code|plz|"
    r"code[ \t]postal|c\.?p\.?|postleitzahl|código[ \t]postal)[ \t]?(?:is|:|#|=)?[ \t]{0,3}"
    r"(?P<code>[0-9]{5}(?:-[0-9]{4})?|[0-9]{4}(?![0-9])|[A-Z0-9]{2,4}[ \t]?[0-9][A-Z]{2})"
    r"(?![\w-])"
)
_CODE_AFTER_ADDRESS = re.compile(
    r"[ \t]{0,2},?[ \t]{0,3}(?:(?:[A-ZÀ-Ý][\w'’.-]{1,30}),?[ \t]{1,2}){0,2}"
    r"(?:(?:D|F|E|CH|A|B|L|NL)-)?(?P<code>[0-9]{5}(?:-[0-9]{4})?|[0-9]{4})(?![\w-])"
)


def _find_postcodes(text: str, addresses: list[_Candidate]) -> list[_Candidate]:
    found = [(m.start(), m.end(), "postcode") for m in _UK_POSTCODE.finditer(text)]
    found += [(m.start(), m.end(), "postcode") for m in _CA_POSTCODE.finditer(text)]
    found += [
        (m.start(), m.end(), "postcode")
        for m in _NL_POSTCODE.finditer(text)
        if m.group("letters") not in _NL_NOT
    ]
    for pattern in (_ZIP_AFTER_STATE, _CODE_AFTER_WORD):
        found += [(m.start("code"), m.end("code"), "postcode") for m in pattern.finditer(text)]
    for _start, end, _kind in addresses:
        m = _CODE_AFTER_ADDRESS.match(text, end, min(len(text), end + 80))
        if m:
            found.append((m.start("code"), m.end("code"), "postcode"))
    return found
