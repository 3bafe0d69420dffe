"""Zenodo deposit metadata: checked before Zenodo sees it, converted from `codemeta.json`, cited.

eOSSR's own validator (`validate_zenodo_metadata_deposit`) downloads Zenodo's
JSON schema from GitHub and the license list from zenodo.org on first use, so
a hub without internet, or the dev stack, cannot use it; the checks here are
those of Zenodo's deposit API for the required fields, with messages a user
can act on. The codemeta conversion is eOSSR's own (`codemeta2zenodo`), run
without its validation step for the same reason.
"""

from __future__ import annotations

import importlib.resources
import json
import re
import sys
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import eossr.metadata.codemeta as eossr_codemeta

from vre_common.errors import BadRequest

from .models import Creator, MetadataForm


def _resources_of(anchor: str) -> Any:
    """`importlib.resources.files` that also takes a module, as Python 3.12 does."""
    try:
        return importlib.resources.files(anchor)
    except TypeError:  # "... is not a package" before 3.12
        return importlib.resources.files(anchor.rpartition(".")[0])


if sys.version_info < (3, 12):
    # eOSSR 2.3 finds its crosswalk table with `files(__name__)` on a module, which Python
    # 3.10/3.11 refuse. The same answer for every caller, so replacing it once is safe.
    eossr_codemeta.files = _resources_of  # type: ignore[attr-defined]

UPLOAD_TYPES = (
    "publication",
    "poster",
    "presentation",
    "dataset",
    "image",
    "video",
    "software",
    "lesson",
    "physicalobject",
    "other",
)
ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
COMMUNITY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
MAX_CODEMETA_BYTES = 1 << 20
# What the form keeps in `extra`: the rest of Zenodo's deposit metadata, passed on unchanged.
FORM_KEYS = set(MetadataForm.model_fields) - {"extra"}


def _iso_date(value: str, field: str) -> None:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise BadRequest(
            f"{field} must be a date as YYYY-MM-DD, not {value[:40]!r}.", code="invalid_metadata"
        ) from None


def check_metadata(form: MetadataForm) -> dict[str, Any]:
    """Zenodo deposit metadata from the form; a 400 that names each problem otherwise."""
    problems: list[str] = []
    if not form.title.strip():
        problems.append("a title is required")
    if not form.description.strip():
        problems.append("a description is required")
    if form.upload_type not in UPLOAD_TYPES:
        problems.append(f"upload type must be one of {', '.join(UPLOAD_TYPES)}")
    if not form.creators:
        problems.append('at least one creator is required, as "Family, Given"')
    for index, creator in enumerate(form.creators, start=1):
        if not creator.name.strip():
            problems.append(f"creator {index} has no name")
        if creator.orcid and not ORCID.match(creator.orcid.strip()):
            problems.append(f"creator {index}'s ORCID must look like 0000-0002-1825-0097")
    if form.access_right in ("open", "embargoed") and not (form.license or "").strip():
        problems.append(f"a license is required for {form.access_right} access (e.g. cc-by-4.0)")
    if form.access_right == "embargoed" and not form.embargo_date:
        problems.append("an embargo date is required for embargoed access")
    if form.access_right == "restricted" and not (form.access_conditions or "").strip():
        problems.append("access conditions are required for restricted access")
    problems += [
        f"community {c!r} is not a community identifier" for c in form.communities if not COMMUNITY.match(c)
    ]
    if problems:
        raise BadRequest("The metadata is incomplete: " + "; ".join(problems) + ".", code="invalid_metadata")
    for value, field in ((form.publication_date, "publication date"), (form.embargo_date, "embargo date")):
        if value:
            _iso_date(value, field)

    metadata: dict[str, Any] = {k: v for k, v in form.extra.items() if k not in FORM_KEYS}
    metadata.update(
        title=form.title.strip(),
        upload_type=form.upload_type,
        description=form.description.strip(),
        creators=[
            {k: v.strip() for k, v in c.model_dump().items() if isinstance(v, str) and v.strip()}
            for c in form.creators
        ],
        access_right=form.access_right,
    )
    if form.access_right in ("open", "embargoed"):
        metadata["license"] = (form.license or "").strip()
    optional = {
        "publication_date": form.publication_date,
        "version": form.version,
        "embargo_date": form.embargo_date if form.access_right == "embargoed" else None,
        "access_conditions": form.access_conditions if form.access_right == "restricted" else None,
    }
    metadata.update({k: v.strip() for k, v in optional.items() if v and v.strip()})
    if keywords := [k.strip() for k in form.keywords if k.strip()]:
        metadata["keywords"] = keywords
    if form.communities:
        metadata["communities"] = [{"identifier": c} for c in dict.fromkeys(form.communities)]
    return metadata


def form_from_zenodo(metadata: dict[str, Any]) -> MetadataForm:
    """The form's view of Zenodo deposit metadata (e.g. from eOSSR's codemeta conversion)."""
    license_value = metadata.get("license")
    if isinstance(license_value, dict):
        license_value = license_value.get("id")
    creators = [
        Creator(name=str(c.get("name", "")), affiliation=c.get("affiliation"), orcid=c.get("orcid"))
        for c in metadata.get("creators") or []
        if isinstance(c, dict)
    ]
    communities = [
        str(c.get("identifier") or c.get("id"))
        for c in metadata.get("communities") or []
        if isinstance(c, dict)
    ]
    return MetadataForm(
        title=str(metadata.get("title", "")),
        upload_type=str(
            metadata.get("upload_type") or (metadata.get("resource_type") or {}).get("type") or "other"
        ),
        description=str(metadata.get("description", "")),
        creators=creators,
        access_right=metadata.get("access_right", "open")
        if metadata.get("access_right") in ("open", "embargoed", "restricted", "closed")
        else "open",
        license=license_value,
        publication_date=metadata.get("publication_date"),
        version=metadata.get("version"),
        keywords=[str(k) for k in metadata.get("keywords") or []],
        communities=communities,
        embargo_date=metadata.get("embargo_date"),
        access_conditions=metadata.get("access_conditions"),
        extra={
            k: v
            for k, v in metadata.items()
            if k not in FORM_KEYS and k not in ("prereserve_doi", "doi", "relations", "resource_type")
        },
    )


def _readable(warning: str) -> str:
    """eOSSR's warnings print pandas arrays; list their names instead."""
    if "<StringArray>" in warning or "dtype" in warning:
        head = warning.split(":", 1)[0]
        names = ", ".join(re.findall(r"'([^']+)'", warning))
        return f"{head}: {names}"[:300]
    return warning[:300]


def load_licenses(eossr: Any) -> None:
    """Give eOSSR's license converter the license list of the configured Zenodo; blocking.

    eOSSR's `LicenseConverter` fetches the list from zenodo.org through the shared
    module's base URL on first use, which is the wrong Zenodo for the sandbox or a
    test instance and fails with no internet. It keeps the list in a class
    attribute; one server publishes to one Zenodo, so the list set here is the one
    every conversion in this process should use.
    """
    from eossr.metadata.codemeta2zenodo.converters import LicenseConverter

    if LicenseConverter._all_zenodo_licenses is None:
        LicenseConverter._all_zenodo_licenses = eossr.search_licenses()


def read_codemeta(path: Path, shown_path: str) -> tuple[MetadataForm, list[str]]:
    """Convert a workspace `codemeta.json` with eOSSR's converter; blocking (run it in the executor)."""
    if not path.is_file():
        raise BadRequest(f"There is no file {shown_path} in your workspace.", code="codemeta_not_found")
    if path.stat().st_size > MAX_CODEMETA_BYTES:
        raise BadRequest(
            f"{shown_path} is larger than 1 MB; is it really a codemeta.json?", code="invalid_codemeta"
        )
    try:
        codemeta = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise BadRequest(f"{shown_path} is not valid JSON: {err}", code="invalid_codemeta") from None
    if not isinstance(codemeta, dict):
        raise BadRequest(f"{shown_path} must hold a JSON object.", code="invalid_codemeta")
    from eossr.metadata.codemeta2zenodo import codemeta2zenodo  # after the fix above

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            converted = codemeta2zenodo(codemeta)
        except eossr_codemeta.CodemetaRequiredError:
            missing = ", ".join(str(k) for k in eossr_codemeta.Codemeta(codemeta).missing_keys("required"))
            raise BadRequest(
                f"{shown_path} lacks keys the OSSR requires: {missing}. Add them, or fill in the form instead.",
                code="invalid_codemeta",
            ) from None
        except (ValueError, KeyError, TypeError) as err:
            reason = str(err).strip().strip("'\"") or type(err).__name__
            raise BadRequest(
                f"eOSSR cannot convert {shown_path}: {reason[:300]}", code="invalid_codemeta"
            ) from None
    notes = list(dict.fromkeys(_readable(str(w.message)) for w in caught))
    return form_from_zenodo(converted), notes


def _family_and_initials(name: str) -> str:
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
    else:
        *given_parts, family = name.split() or [name]
        given = " ".join(given_parts)
    initials = " ".join(f"{g[0]}." for g in given.split() if g)
    return f"{family}, {initials}".strip(", ")


def citation(metadata: dict[str, Any], doi: str | None) -> str:
    """A citation in the style Zenodo shows by default: "Doe, J. (2024). Title (Version v1). Zenodo. DOI"."""
    names = [
        _family_and_initials(str(c.get("name", ""))) for c in metadata.get("creators") or [] if c.get("name")
    ]
    authors = ", ".join(names[:-1]) + (", & " if len(names) > 1 else "") + names[-1] if names else "Anonymous"
    year = str(metadata.get("publication_date") or date.today().isoformat())[:4]
    title = str(metadata.get("title", "")).strip() or "Untitled"
    version = f" (Version {metadata['version']})" if metadata.get("version") else ""
    link = f" https://doi.org/{doi}" if doi else ""
    return f"{authors} ({year}). {title}{version}. Zenodo.{link}"
