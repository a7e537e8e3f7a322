"""The preferential schemes rexdecl knows, as data.

A scheme is one ``[[scheme]]`` entry of ``rexdecl/data/schemes.toml`` (texts per language,
languages, identifier, signature, threshold, validity, cumulation mentions, beneficiaries,
territory, legal basis by date, evidence marks), plus the entries of the user's own files
named by the environment variable ``REXDECL_SCHEMES`` (paths separated as in ``PATH``): a
trade association can add a scheme before a release of rexdecl does, and an entry with the id
of a packaged scheme replaces it.

Facts are data. Only where a scheme behaves differently does it have a module of its own,
found by its id the way python-stdnum finds a number's module: ``eu-gsp`` →
``rexdecl/schemes/eu_gsp.py``. A scheme without a module has no special behaviour. A module
may define any of these functions (the rules call them when present):

``material_counts(facts, scheme, line, material) -> bool | None``
    whether a material counts as originating under the line's cumulation (None: no opinion,
    the data decides);
``check_cumulation(facts, scheme, line) -> Iterable[Finding]``
    the scheme's own findings on a line's cumulation mention.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from functools import cache
from types import ModuleType

from rexdecl.schemes._keys import ID_PATTERN, SchemeDataError
from rexdecl.schemes._loading import load, read_data_text
from rexdecl.schemes._model import Beneficiary, DataFile, Period, Scheme, SchemeText, with_mark

ENV_VAR = "REXDECL_SCHEMES"

__all__ = [
    "ENV_VAR",
    "Beneficiary",
    "DataFile",
    "Period",
    "Scheme",
    "SchemeDataError",
    "SchemeText",
    "all_schemes",
    "behaviour",
    "cumulation_keys",
    "default_scheme",
    "enabled_ids",
    "get",
    "hook",
    "read_data_text",
    "statement_languages",
    "user_fingerprint",
    "with_mark",
]


@cache
def _loaded(user_value: str) -> tuple[dict[str, Scheme], str, str]:
    return load(user_value)


def _current() -> tuple[dict[str, Scheme], str, str]:
    return _loaded(os.environ.get(ENV_VAR, ""))


def user_fingerprint() -> str:
    """A hash of the user's scheme files ("" without any): what batch adds to a shipment's
    input hash, so a changed scheme file redoes the shipments it shapes."""
    return _current()[2]


def all_schemes() -> dict[str, Scheme]:
    """Every scheme by id, in the order of the data (the package's, then the user's files).
    Raises SchemeDataError (exit status 2) when a user's file cannot be used."""
    return dict(_current()[0])


def get(scheme_id: str) -> Scheme | None:
    """The scheme ``scheme_id``, or None when no data has it."""
    return _current()[0].get(scheme_id)


def enabled_ids() -> tuple[str, ...]:
    """The ids a shipment's ``scheme`` field may name (the schemes rexdecl can apply)."""
    return tuple(s.id for s in _current()[0].values() if s.enabled)


def default_scheme() -> Scheme:
    """The scheme of a destination no scheme's territory covers (schemes.toml ``default_scheme``)."""
    schemes, default, _fingerprint = _current()
    return schemes[default]


def statement_languages(user_files: bool = True) -> tuple[str, ...]:
    """Every language a statement can be made out in, over the enabled schemes, in the
    order of the data: the choices of ``--statement-language``. ``user_files=False``: over
    rexdecl's own schemes only (never raises)."""
    languages: list[str] = []
    for scheme in (_current() if user_files else _loaded(""))[0].values():
        if scheme.enabled:
            languages += [language for language in scheme.languages if language not in languages]
    return tuple(languages)


def cumulation_keys() -> tuple[str, ...]:
    """The cumulation mentions any scheme provides (``regional``, ``uk-bilateral``…): the
    forms ``<key>-cumulation`` the Items sheet accepts."""
    keys: list[str] = []
    for scheme in _current()[0].values():
        keys += [key for key in scheme.cumulation if key not in keys]
    return tuple(keys)


def behaviour(scheme: Scheme) -> ModuleType | None:
    """The module of the scheme's own behaviour (``eu-gsp`` → ``rexdecl.schemes.eu_gsp``), or
    None when it has none."""
    if not ID_PATTERN.match(scheme.id):
        return None
    return _module(scheme.id.replace("-", "_"))


@cache
def _module(name: str) -> ModuleType | None:
    qualified = f"{__name__}.{name}"
    if importlib.util.find_spec(qualified) is None:
        return None
    return importlib.import_module(qualified)


def hook(scheme: Scheme, name: str) -> object | None:
    """The function ``name`` of the scheme's module, or None."""
    module = behaviour(scheme)
    return getattr(module, name, None) if module is not None else None
