"""Languages of the interface (English, French, Portuguese): translators, the current language, dates,
numbers and country names in the language. Pure: no Streamlit.

Messages are gettext catalogues in hmhb_dash/locale/ managed with Babel (README, "Languages"). The
`.po` files are the source: each is compiled in memory the first time its language is used, so there
is no compiled `.mo` to keep in step. English is the source language and needs no catalogue.

The current language is a context variable: the app sets it once per run (from the URL, the session or
the browser's locale), the command line sets it from `--lang`; pure modules read it through `_()` and
`ngettext()`. Anything that needs another language explicitly (the static site) calls `translator()`.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import gettext
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "pt": "Português"}
DEFAULT = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
# Babel locales for dates and numbers. Portuguese is European Portuguese (Mozambique, Guinea-Bissau,
# Angola, Cabo Verde and São Tomé write it), so the catalogue and the formats agree.
BABEL_LOCALES = {"en": "en_GB", "fr": "fr_FR", "pt": "pt_PT"}

_current: contextvars.ContextVar[str] = contextvars.ContextVar("hmhb_lang", default=DEFAULT)


def N_(message: str) -> str:
    """Mark a text for the catalogue without translating it (module-level vocabularies)."""
    return message


@functools.cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    if lang == DEFAULT or lang not in LANGUAGES:
        return gettext.NullTranslations()
    from babel.messages import mofile, pofile

    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as source:
        catalogue = pofile.read_po(source, locale=lang)
    compiled = io.BytesIO()
    mofile.write_mo(compiled, catalogue)  # fuzzy entries are left out, as pybabel compile does
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Translator:
    """Messages, dates, numbers and country names in one language."""

    lang: str = DEFAULT

    def gettext(self, message: str) -> str:
        return _catalogue(self.lang).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _catalogue(self.lang).ngettext(singular, plural, n)

    def date(self, value: dt.date, precision: str = "day") -> str:
        """'17 Oct 2024' / '17 oct. 2024' / '17/out./2024': day, month or year precision."""
        if self.lang == DEFAULT:
            if precision == "day":
                return f"{value.day} {_MONTH_ABBR[value.month - 1]} {value.year}"
            if precision == "month":
                return f"{_MONTH_ABBR[value.month - 1]} {value.year}"
            return str(value.year)
        from babel.dates import format_date

        locale = BABEL_LOCALES[self.lang]
        if precision == "day":
            return format_date(value, "d MMM y", locale=locale)
        if precision == "month":
            return format_date(value, "LLL y", locale=locale)
        return str(value.year)

    def number(self, value: float | int) -> str:
        """'2,148,500' in English, '2 148 500' in French and Portuguese."""
        if self.lang == DEFAULT:
            return f"{value:,}"
        from babel.numbers import format_decimal

        return format_decimal(value, locale=BABEL_LOCALES[self.lang])

    def country(self, iso3: str, english: str) -> str:
        """A country's name in the language (pycountry's ISO 3166 translations); the data's own
        English name in English or when the code is not an ISO 3166 country."""
        return country_name(iso3, english, self.lang)


def translator(lang: str) -> Translator:
    """The translator of a language (unknown codes give English). The hook for other outputs."""
    return Translator(lang if lang in LANGUAGES else DEFAULT)


# --- The current language ---------------------------------------------------------------------
def current() -> str:
    return _current.get()


def set_current(lang: str) -> None:
    _current.set(lang if lang in LANGUAGES else DEFAULT)


@contextlib.contextmanager
def using(lang: str) -> Iterator[Translator]:
    """Make `lang` the current language inside the block (the command line, tests)."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield translator(lang)
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """The message in the current language."""
    return _catalogue(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogue(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """The message in the current language, for a text whose English is also used elsewhere."""
    return _catalogue(_current.get()).pgettext(context, message)


def format_date(value: dt.date, precision: str = "day") -> str:
    return translator(current()).date(value, precision)


def format_number(value: float | int) -> str:
    return translator(current()).number(value)


def parse_lang(raw: object) -> tuple[str | None, str | None]:
    """A `lang` URL value: (language, None) when known, (None, notice) when not, (None, None) if empty."""
    if raw is None or str(raw).strip() == "":
        return None, None
    value = str(raw).strip().lower().replace("_", "-")
    code = value.split("-")[0]
    if code in LANGUAGES:
        return code, None
    from hmhb_dash.safe_text import shorten

    return None, _("lang={value!r} is not one of {choices}; showing English.").format(
        value=shorten(str(raw)), choices=", ".join(LANGUAGES)
    )


def from_locale(locale: object) -> str | None:
    """The language of a browser locale ('fr-FR' -> 'fr', 'pt-BR' -> 'pt'); None when not offered."""
    if not isinstance(locale, str) or not locale:
        return None
    code = locale.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


# --- Country names ----------------------------------------------------------------------------
# Where ISO 3166's name reads as an index entry ("Congo, The Democratic Republic of the") or differs
# from the name the field uses.
_COUNTRY_OVERRIDES: dict[str, dict[str, str]] = {
    "fr": {
        "FSM": "Micronésie",
        "PSE": "Palestine",
        "TLS": "Timor-Leste",
        "BOL": "Bolivie",
        "VEN": "Venezuela",
        "RUS": "Russie",
        "SLB": "Îles Salomon",
        "REU": "La Réunion",
        "ALA": "Îles Åland",
        "CXR": "Île Christmas",
        "CCK": "Îles Cocos",
        "FLK": "Îles Malouines",
        "VIR": "Îles Vierges des États-Unis",
        "BRN": "Brunei",
        "VAT": "Saint-Siège",
        "BES": "Bonaire, Saint-Eustache et Saba",
    },
    "pt": {
        "COD": "República Democrática do Congo",
        "GNB": "Guiné-Bissau",
        "FSM": "Micronésia",
        "PSE": "Palestina",
        "SWZ": "Essuatíni",
        "BGD": "Bangladesh",
        "VGB": "Ilhas Virgens Britânicas",
        "VIR": "Ilhas Virgens Americanas",
    },
}


@functools.cache
def _iso3166(lang: str) -> gettext.NullTranslations:
    import pycountry

    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return gettext.NullTranslations()


@functools.cache
def country_name(iso3: str, english: str, lang: str) -> str:
    if lang == DEFAULT or lang not in LANGUAGES or not isinstance(iso3, str):
        return english
    override = _COUNTRY_OVERRIDES.get(lang, {}).get(iso3)
    if override:
        return override
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return english
    return _iso3166(lang).gettext(getattr(country, "common_name", None) or country.name)


def localise_countries(countries, lang: str | None = None):
    """The countries table with `name` in the language (English: unchanged)."""
    lang = lang or current()
    if lang == DEFAULT:
        return countries
    names = [country_name(i, n, lang) for i, n in zip(countries["iso3"], countries["name"])]
    return countries.assign(name=names)
