"""Unusual routing: transshipment hubs, indirect routes, origins and destinations that disagree.

A route is the list of countries a shipment passes, e.g. `CN>HK>MX>CA` (separators `>`, `,`,
`;`, `/`, `|` or spaces; ISO 3166-1 alpha-2 codes). The hub list and the transit limit live in
`data/routing.toml`, an illustrative file each service replaces with its own risk list. Routing is
a weak signal: it flags a record only beside another signal (see `liaison.precursors.screen`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from liaison.errors import InvalidInput

_SEPARATORS = re.compile(r"[>,;/|\s]+")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True, slots=True)
class RoutingRules:
    """Transshipment hubs and the most intermediate countries a direct route has."""

    version: str
    hubs: frozenset[str]
    max_transits: int


def parse_routing(text: str, where: str = "routing.toml") -> RoutingRules:
    """Routing rules from TOML text; a malformed file is an InvalidInput naming it."""
    try:
        document = tomllib.loads(text)
        hubs = frozenset(str(code).upper() for code in document["hubs"])
        return RoutingRules(str(document["version"]), hubs, int(document["max_transits"]))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{where}: {exc}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"{where}: missing or malformed field {exc}") from exc


def load_routing(path: Path | None = None) -> RoutingRules:
    """The routing rules in `path`, or those shipped in the package."""
    if path is not None:
        return parse_routing(path.read_text(encoding="utf-8"), str(path))
    return _packaged()


@cache
def _packaged() -> RoutingRules:
    text = resources.files("liaison.precursors").joinpath("data/routing.toml").read_text("utf-8")
    return parse_routing(text)


def route_countries(route: str) -> tuple[str, ...]:
    """The countries of a route string, in order, upper-cased."""
    return tuple(part.upper() for part in _SEPARATORS.split(route.strip()) if part)


def transit_countries(route: str) -> tuple[str, ...]:
    """The route's intermediate countries that are ISO alpha-2 codes (for incidents)."""
    countries = route_countries(route)
    return tuple(code for code in countries[1:-1] if _COUNTRY.match(code))


def routing_findings(
    rules: RoutingRules, origin: str, destination: str, route: str
) -> tuple[str, ...]:
    """What is unusual about a shipment's routing, one phrase each; () when nothing is."""
    countries = route_countries(route)
    if not countries:
        return ()
    findings = []
    if origin and countries[0] != origin:
        findings.append(f"declared origin {origin} but the route starts in {countries[0]}")
    if destination and countries[-1] != destination:
        findings.append(f"declared destination {destination} but the route ends in {countries[-1]}")
    transits = countries[1:-1]
    hubs = [code for code in transits if code in rules.hubs]
    if hubs:
        findings.append(f"via transshipment hub {', '.join(hubs)}")
    if len(transits) > rules.max_transits:
        findings.append(f"indirect route through {len(transits)} transit countries")
    repeated = sorted({code for code in countries if countries.count(code) > 1})
    if repeated:
        findings.append(f"route passes {', '.join(repeated)} more than once")
    return tuple(findings)
