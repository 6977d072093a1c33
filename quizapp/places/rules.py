"""Places as pure rules: an incident's location (a point with its datum, or one of its grid's places),
a grid's place names, and the grids' boundary file (GeoJSON) with everything that makes it bad.

Used by incidents.rules (the location columns of the incident file), places.service (the places
page, the boundary upload, the map) and the demo. Owns the ranges and spellings accepted, and the
checks of a boundary file (docs/metrics.md, "Places and the map"). No Flask and no database here.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

# --- an incident's location ---------------------------------------------------------------------


class Datum(StrEnum):
    """The datum an incident's point is given in (Incident.datum): stored as given, never converted.
    Held by a plain CHECK constraint of migration 0017 rather than a vocabulary column (rules.vocab),
    whose CHECKs are migration 0007's."""

    WGS84 = "wgs84"  # GPS, GeoJSON, most open maps
    GCJ02 = "gcj02"  # 国测局 coordinates: what AMap (高德), Tencent and WeChat's location give


PLACES = 7  # decimal places kept: about 1 cm, finer than any phone gives
MAX_PLACE_NAME = 100

# Each datum's accepted spellings (NFKC, casefolded, without spaces, dashes and underscores).
_DATUMS = {
    **dict.fromkeys(("wgs84", "wgs", "gps", "epsg4326", "4326", "国际标准", "大地坐标"), Datum.WGS84),
    **dict.fromkeys(("gcj02", "gcj", "火星坐标", "火星坐标系", "国测局", "国测局坐标", "高德", "腾讯"), Datum.GCJ02),
}

# How a datum is written in files (the incidents export, the template): what parse_datum reads back.
DATUM_NAMES = {Datum.WGS84.value: "WGS-84", Datum.GCJ02.value: "GCJ-02"}


def parse_datum(text: str) -> Datum | None:
    """The datum a cell or form names: WGS-84 (also WGS84, GPS) or GCJ-02 (also 火星坐标, 国测局), any case;
    None for anything else."""
    key = re.sub(r"[\s\-_]", "", unicodedata.normalize("NFKC", text).casefold())
    return _DATUMS.get(key)


@dataclass(frozen=True)
class Point:
    """A point as given: longitude east, latitude north, in decimal degrees, and its datum."""

    longitude: Decimal
    latitude: Decimal
    datum: Datum


def _degrees(text: str, limit: int) -> tuple[Decimal | None, str]:
    """Decimal degrees within ±limit, or why not: "not_a_number", "out_of_range"."""
    text = unicodedata.normalize("NFKC", text).strip().removesuffix("°")
    if not re.fullmatch(r"[+-]?\d{1,3}(\.\d+)?", text):
        return None, "not_a_number"
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above lets only numbers through
        return None, "not_a_number"
    if not -limit <= value <= limit:
        return None, "out_of_range"
    return value.quantize(Decimal(1).scaleb(-PLACES)), ""


def check_point(longitude: str, latitude: str, datum: str) -> tuple[Point | None, list[tuple[str, str]]]:
    """A point from its three cells, or the problems as (field, reason): both coordinates or neither
    ("half_point"), each a number in range (longitude ±180, latitude ±90: "bad_longitude",
    "bad_latitude"), and a datum named ("datum_needed", "unknown_datum"). All empty: no point."""
    longitude, latitude, datum = longitude.strip(), latitude.strip(), datum.strip()
    if not longitude and not latitude:
        return None, [("datum", "datum_without_point")] if datum else []
    problems: list[tuple[str, str]] = []
    if not longitude or not latitude:
        return None, [("longitude" if not longitude else "latitude", "half_point")]
    lon, why = _degrees(longitude, 180)
    if why:
        problems.append(("longitude", "bad_longitude"))
    lat, why = _degrees(latitude, 90)
    if why:
        problems.append(("latitude", "bad_latitude"))
    parsed = parse_datum(datum) if datum else None
    if not datum:
        problems.append(("datum", "datum_needed"))
    elif parsed is None:
        problems.append(("datum", "unknown_datum"))
    if problems:
        return None, problems
    assert lon is not None and lat is not None and parsed is not None
    return Point(lon, lat, parsed), []


def place_key(name: str) -> str:
    """How two spellings of a place name are told to be the same: NFKC, casefolded, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()


def clean_place_name(name: str) -> tuple[str, str]:
    """A place name as stored (NFKC, single spaces), or why it is refused: "empty", "too_long"."""
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip()
    if not name:
        return "", "empty"
    if len(name) > MAX_PLACE_NAME:
        return "", "too_long"
    return name, ""


# --- GCJ-02 for drawing --------------------------------------------------------------------------
# A GCJ-02 point lies some hundreds of metres from the WGS-84 one; the map draws the boundaries
# (WGS-84) and so moves a GCJ-02 point back before drawing it. The offset is the published one
# (the same formula every open converter uses); the stored point is never changed.

_A, _EE = 6378245.0, 0.00669342162296594323


def _in_china(lon: float, lat: float) -> bool:
    return 72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271


def _offset(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
            + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
            + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * math.sqrt(magic)) * math.pi)
    dlon = (dlon * 180.0) / (_A / math.sqrt(magic) * math.cos(rad) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """A WGS-84 point as GCJ-02 gives it (unchanged outside China, where GCJ-02 is WGS-84)."""
    if not _in_china(lon, lat):
        return lon, lat
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """A GCJ-02 point back in WGS-84, to within a few centimetres (the forward offset, inverted by
    a few fixed-point steps)."""
    if not _in_china(lon, lat):
        return lon, lat
    x, y = lon, lat
    for _ in range(8):
        gx, gy = wgs84_to_gcj02(x, y)
        x, y = x - (gx - lon), y - (gy - lat)
    return x, y


# A point shown to a reader (the map, the incidents list) is rounded to 3 decimals of a degree,
# about 100 m: where in the village, not which door (docs/privacy.md). Stored as given (7 decimals).
SHOWN_DECIMALS = 3


def shown(degrees: float | Decimal) -> float:
    """A longitude or latitude as pages show it: SHOWN_DECIMALS decimals (about 100 m)."""
    return round(float(degrees), SHOWN_DECIMALS)


def drawn(point: Point) -> tuple[float, float]:
    """Where the map draws a point: WGS-84 (the datum of the boundaries)."""
    lon, lat = float(point.longitude), float(point.latitude)
    return gcj02_to_wgs84(lon, lat) if point.datum == Datum.GCJ02 else (lon, lat)


# --- the boundary file ----------------------------------------------------------------------------

MAX_BOUNDARY_BYTES = 5 * 1024 * 1024  # 125 detailed grids are well under 1 MB
MAX_FEATURES = 2000
MAX_POSITIONS = 200_000
# The feature property that names the grid, first found wins (the file's own names for it).
CODE_PROPERTIES = ("grid", "grid_code", "code", "网格编码", "网格代码", "网格")


@dataclass(frozen=True)
class BoundaryProblem:
    index: int | None  # the feature's index in the file (0 first); None: the file as a whole
    grid: str  # the grid code the feature names, if any
    reason: str  # a code; places.wording.BOUNDARY_REASONS has the words
    detail: str = ""


@dataclass(frozen=True)
class Boundary:
    index: int
    grid_id: int
    code: str
    geometry: dict  # {"type": "Polygon" | "MultiPolygon", "coordinates": [...]}, as in the file


@dataclass
class ParsedBoundaries:
    boundaries: list[Boundary] = field(default_factory=list)
    problems: list[BoundaryProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.boundaries) and not self.problems


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _ring_problem(ring: object) -> tuple[str, str]:
    """Why a linear ring is bad ("", "" when good): RFC 7946 §3.1.6, four positions or more, the
    last the same as the first, each [longitude, latitude] (an altitude may follow) in range."""
    if not isinstance(ring, list):
        return "not_a_ring", ""
    if len(ring) < 4:
        return "too_few_positions", str(len(ring))
    for number, position in enumerate(ring):
        if not isinstance(position, list) or not 2 <= len(position) <= 3 or not all(map(_is_number, position)):
            return "bad_position", str(number)
        if not -180 <= position[0] <= 180 or not -90 <= position[1] <= 90:
            return "position_out_of_range", f"{number}: {position[0]}, {position[1]}"
    if ring[0][:2] != ring[-1][:2]:
        return "ring_not_closed", ""
    return "", ""


def _polygons(geometry: object) -> tuple[list | None, str]:
    """The geometry's polygons (each a list of rings), or why it is not one we accept."""
    if not isinstance(geometry, dict):
        return None, "no_geometry"
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        return None, "not_a_polygon"
    if not isinstance(coordinates, list) or not coordinates:
        return None, "no_coordinates"
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not all(isinstance(p, list) and p for p in polygons):
        return None, "no_coordinates"
    return polygons, ""


def _code(properties: object) -> str:
    if not isinstance(properties, dict):
        return ""
    for key in CODE_PROPERTIES:
        value = properties.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


def check_boundaries(data: bytes, grids: dict[str, int]) -> ParsedBoundaries:
    """Read and check a boundary file against the town's grids (code casefolded -> grid id): a
    GeoJSON FeatureCollection, each feature naming its grid in one of CODE_PROPERTIES, each grid at
    most once, Polygon or MultiPolygon only, every ring closed with four positions or more and every
    position in range. Any problem is reported with the feature's index and grid, and then no
    boundary is returned: a file is stored whole or not at all."""
    if not data.strip():
        return ParsedBoundaries(problems=[BoundaryProblem(None, "", "empty_file")])
    if len(data) > MAX_BOUNDARY_BYTES:
        return ParsedBoundaries(problems=[BoundaryProblem(None, "", "too_big", str(MAX_BOUNDARY_BYTES // 1024))])
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        return ParsedBoundaries(problems=[BoundaryProblem(None, "", "not_json", str(error)[:120])])
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return ParsedBoundaries(problems=[BoundaryProblem(None, "", "not_a_collection")])
    features = document.get("features")
    if not isinstance(features, list) or not features:
        return ParsedBoundaries(problems=[BoundaryProblem(None, "", "no_features")])
    if len(features) > MAX_FEATURES:
        return ParsedBoundaries(problems=[BoundaryProblem(None, "", "too_many_features", str(MAX_FEATURES))])
    parsed = ParsedBoundaries()
    first: dict[str, int] = {}
    positions = 0
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            parsed.problems.append(BoundaryProblem(index, "", "not_a_feature"))
            continue
        code = _code(feature.get("properties"))

        def bad(reason: str, detail: str = "", index: int = index, code: str = code) -> None:
            parsed.problems.append(BoundaryProblem(index, code, reason, detail))

        grid_id = grids.get(code.casefold()) if code else None
        if not code:
            bad("no_grid_code", "/".join(CODE_PROPERTIES[:3]))
        elif grid_id is None:
            bad("unknown_grid")
        elif code.casefold() in first:
            bad("duplicate_grid", str(first[code.casefold()]))
        else:
            first[code.casefold()] = index
        polygons, why = _polygons(feature.get("geometry"))
        if polygons is None:
            bad(why)
            continue
        ring_problems = []
        for p, polygon in enumerate(polygons):
            for r, ring in enumerate(polygon):
                why, detail = _ring_problem(ring)
                if why:
                    where = f"{p + 1}/{r + 1}" if len(polygons) > 1 else f"{r + 1}"
                    ring_problems.append((why, f"{where}" + (f" ({detail})" if detail else "")))
                else:
                    positions += len(ring)
        for why, detail in ring_problems[:3]:
            bad(why, detail)
        if grid_id is not None and not ring_problems and not any(
                p.index == index for p in parsed.problems):
            geometry = {"type": feature["geometry"]["type"], "coordinates": feature["geometry"]["coordinates"]}
            parsed.boundaries.append(Boundary(index, grid_id, code, geometry))
    if positions > MAX_POSITIONS:
        parsed.problems.append(BoundaryProblem(None, "", "too_many_positions", str(MAX_POSITIONS)))
    if parsed.problems:
        return ParsedBoundaries(problems=parsed.problems)
    return parsed


def outlines_fingerprint(outlines: dict[int, dict]) -> str:
    """What the stored outlines are, as a short digest: a preview carries the digest of the outlines it
    was shown against, and applying it is refused once they have changed (another file applied since),
    so an older preview never overwrites newer outlines unseen."""
    text = json.dumps(sorted(outlines.items()), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def bounds(geometries: list[dict]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the geometries' outer rings, or None with none."""
    lons, lats = [], []
    for geometry in geometries:
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            for position in polygon[0]:
                lons.append(position[0])
                lats.append(position[1])
    return (min(lons), min(lats), max(lons), max(lats)) if lons else None


def contains(geometry: dict, lon: float, lat: float) -> bool:
    """Whether the point lies inside the Polygon or MultiPolygon (even-odd rule over every ring,
    so a hole is outside)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for polygon in polygons:
        inside = False
        for ring in polygon:
            for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:], strict=False):
                if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                    inside = not inside
        if inside:
            return True
    return False
