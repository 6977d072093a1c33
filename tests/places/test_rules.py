"""Places without a database: an incident's point and datum, place names, GCJ-02 for drawing, and
every way a boundary file can be bad (each named by feature index and grid)."""

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.incidents import rules as inc
from quizapp.incidents.rules import CompanyRef, GridRef, ImportScope
from quizapp.places import rules
from quizapp.places.rules import Datum

GRIDS = {"g1": 1, "g2": 2, "xt-2": 3}


def square(x=113.84, y=22.90, size=0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(code="g1", geometry=None, key="grid") -> dict:
    return {"type": "Feature", "properties": {key: code}, "geometry": geometry or square()}


def problems(parsed) -> list[tuple]:
    return [(p.index, p.grid, p.reason) for p in parsed.problems]


# --- a point --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,datum", [
    ("WGS-84", Datum.WGS84), ("wgs84", Datum.WGS84), ("GPS", Datum.WGS84), ("ＷＧＳ－８４", Datum.WGS84),
    ("GCJ-02", Datum.GCJ02), ("gcj02", Datum.GCJ02), ("火星坐标", Datum.GCJ02), ("国测局", Datum.GCJ02),
])
def test_the_datum_is_read_in_its_usual_spellings(text, datum):
    assert rules.parse_datum(text) == datum


@pytest.mark.parametrize("text", ["", "BD-09", "百度", "CGCS2000", "84"])
def test_other_datums_are_refused(text):
    assert rules.parse_datum(text) is None


def test_a_point_is_stored_as_given_with_its_datum():
    point, found = rules.check_point("113.8412345", " 22.9035 ", "GCJ-02")
    assert found == []
    assert point == rules.Point(Decimal("113.8412345"), Decimal("22.9035000"), Datum.GCJ02)


@pytest.mark.parametrize("lon,lat,datum,expected", [
    ("", "", "", []),
    ("", "", "WGS-84", [("datum", "datum_without_point")]),
    ("113.84", "", "WGS-84", [("latitude", "half_point")]),
    ("", "22.9", "WGS-84", [("longitude", "half_point")]),
    ("181", "22.9", "WGS-84", [("longitude", "bad_longitude")]),
    ("-180.5", "22.9", "WGS-84", [("longitude", "bad_longitude")]),
    ("113.84", "90.01", "WGS-84", [("latitude", "bad_latitude")]),
    ("东经113", "22.9", "WGS-84", [("longitude", "bad_longitude")]),
    ("113.84", "22,9", "WGS-84", [("latitude", "bad_latitude")]),
    ("113.84", "22.9", "", [("datum", "datum_needed")]),
    ("113.84", "22.9", "BD-09", [("datum", "unknown_datum")]),
])
def test_a_bad_point_says_which_cell_and_why(lon, lat, datum, expected):
    point, found = rules.check_point(lon, lat, datum)
    assert point is None and found == expected


@given(st.decimals(min_value=-180, max_value=180, places=7), st.decimals(min_value=-90, max_value=90, places=7))
def test_every_point_in_range_is_accepted_and_kept_exactly(lon, lat):
    point, found = rules.check_point(format(lon, "f"), format(lat, "f"), "wgs84")
    assert found == [] and point is not None
    assert point.longitude == lon and point.latitude == lat


def test_a_gcj02_point_is_drawn_where_it_lies_in_wgs84():
    lon, lat = 113.84, 22.90
    shifted = rules.wgs84_to_gcj02(lon, lat)
    assert 0.003 < abs(shifted[0] - lon) < 0.01  # some hundreds of metres, as in Guangdong
    back = rules.gcj02_to_wgs84(*shifted)
    assert abs(back[0] - lon) < 1e-7 and abs(back[1] - lat) < 1e-7
    assert rules.drawn(rules.Point(Decimal(str(shifted[0])), Decimal(str(shifted[1])), Datum.GCJ02)) == \
        pytest.approx((lon, lat), abs=1e-6)
    assert rules.drawn(rules.Point(Decimal("113.84"), Decimal("22.9"), Datum.WGS84)) == (113.84, 22.9)
    assert rules.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)  # outside China GCJ-02 is WGS-84


def test_place_names_are_compared_without_width_case_or_spaces():
    assert rules.place_key("新塘 村") == rules.place_key("新塘村") == rules.place_key("新塘村 ")
    assert rules.clean_place_name("  大沙   社区 ") == ("大沙 社区", "")
    assert rules.clean_place_name("   ") == ("", "empty")
    assert rules.clean_place_name("村" * 101) == ("", "too_long")


# --- the incident file's location columns ------------------------------------------------------------

HEADER = "月份,网格,企业编码,诈骗类型,案件数,损失金额(元),备注,经度,纬度,坐标系,村/社区\r\n"


def scope() -> ImportScope:
    return ImportScope(
        today=date(2026, 11, 24), companies={"acme": CompanyRef(1, "acme", 1)},
        grids={"g1": GridRef(1, "g1"), "g2": GridRef(2, "g2")}, visible_company_ids=frozenset({1}),
        visible_grid_ids=frozenset({1}), fraud_types={"shuadan": "shuadan"},
        places={(1, rules.place_key("新塘村")): 7, (2, rules.place_key("大沙村")): 8})


def test_an_incident_row_takes_a_point_or_a_place():
    parsed = inc.parse_incident_file((HEADER + "2026-10,,acme,shuadan,1,100,,113.84,22.90,WGS-84,\r\n"
                                     "2026-10,g1,,shuadan,1,100,,,,,新塘 村\r\n"
                                     "2026-09,,acme,shuadan,1,100,,-73.9,-40.5,gcj02,\r\n").encode(), scope())
    assert parsed.problems == []
    first, second, third = parsed.rows
    assert first.point == rules.Point(Decimal("113.84"), Decimal("22.9"), Datum.WGS84) and first.place_id is None
    assert second.point is None and second.place_id == 7
    assert third.point is not None and third.point.longitude == Decimal("-73.9")  # "-" is a number here


def test_bad_locations_are_errors_at_row_and_column():
    parsed = inc.parse_incident_file((HEADER + "2026-10,,acme,shuadan,1,100,,200,22.9,WGS-84,\r\n"
                                     "2026-10,,acme,kefu,1,100,,113.84,22.9,,\r\n"
                                     "2026-10,,acme,shuadan,2,100,,113.84,22.9,WGS-84,新塘村\r\n"
                                     "2026-08,g1,,shuadan,1,100,,,,,大沙村\r\n"
                                     "2026-07,g1,,shuadan,1,100,,113.84,,WGS-84,\r\n").encode(), scope())
    assert [(p.row, p.column, p.reason) for p in parsed.problems] == [
        (2, "经度", "bad_longitude"), (3, "诈骗类型", "unknown_fraud_type"), (3, "坐标系", "datum_needed"),
        (4, "村/社区", "point_and_place"), (5, "村/社区", "unknown_place"), (6, "纬度", "half_point")]
    assert parsed.rows == []


def test_the_template_has_the_location_columns_and_an_example_point():
    header, example = inc.template_csv().decode("utf-8-sig").splitlines()
    assert header.endswith("经度,纬度,坐标系,村/社区")
    assert "113.8412,22.9035,WGS-84" in example


# --- the boundary file -----------------------------------------------------------------------------------

def test_a_good_file_gives_every_grid_s_outline():
    multi = {"type": "MultiPolygon", "coordinates": [square()["coordinates"], square(113.9)["coordinates"]]}
    parsed = rules.check_boundaries(collection(feature("g1"), feature("G2", multi, key="code"),
                                               feature("xt-2", key="网格编码")), GRIDS)
    assert parsed.ok and [(b.index, b.grid_id, b.code) for b in parsed.boundaries] == [(0, 1, "g1"), (1, 2, "G2"),
                                                                                       (2, 3, "xt-2")]
    assert parsed.boundaries[1].geometry == multi


def test_a_file_with_any_problem_stores_nothing_and_names_the_feature_and_grid():
    open_ring = {"type": "Polygon", "coordinates": [[[113.8, 22.9], [113.9, 22.9], [113.9, 23.0], [113.8, 23.0]]]}
    short = {"type": "Polygon", "coordinates": [[[113.8, 22.9], [113.9, 22.9], [113.8, 22.9]]]}
    far = {"type": "Polygon", "coordinates": [[[113.8, 22.9], [213.9, 22.9], [113.9, 23.0], [113.8, 22.9]]]}
    point = {"type": "Point", "coordinates": [113.8, 22.9]}
    parsed = rules.check_boundaries(collection(
        feature("g1"), feature("g9"), feature("g1"), feature("g2", open_ring), feature("xt-2", short),
        feature("g2", far), feature("g2", point), {"type": "Feature", "properties": {}, "geometry": square()},
        {"type": "Polygon"}), GRIDS)
    assert parsed.boundaries == [] and not parsed.ok
    assert problems(parsed) == [
        (1, "g9", "unknown_grid"), (2, "g1", "duplicate_grid"), (3, "g2", "ring_not_closed"),
        (4, "xt-2", "too_few_positions"), (5, "g2", "duplicate_grid"), (5, "g2", "position_out_of_range"),
        (6, "g2", "duplicate_grid"), (6, "g2", "not_a_polygon"), (7, "", "no_grid_code"), (8, "", "not_a_feature")]
    assert parsed.problems[1].detail == "0"  # the feature that outlined g1 first
    assert parsed.problems[3].detail == "1 (3)"  # ring 1, with 3 positions


@pytest.mark.parametrize("data,reason", [
    (b"", "empty_file"), (b"{not json", "not_json"), (b'{"type": "Feature"}', "not_a_collection"),
    (b'{"type": "FeatureCollection", "features": []}', "no_features"), (b"\xff\xfe", "not_json"),
    (b" " * (rules.MAX_BOUNDARY_BYTES + 1) + b"{}", "too_big"),
])
def test_a_file_that_is_not_a_feature_collection_is_refused_whole(data, reason):
    parsed = rules.check_boundaries(data, GRIDS)
    assert problems(parsed) == [(None, "", reason)]


def test_positions_must_be_numbers_in_range():
    nan = {"type": "Polygon", "coordinates": [[[113.8, 22.9], ["113.9", 22.9], [113.9, 23.0], [113.8, 22.9]]]}
    parsed = rules.check_boundaries(collection(feature("g1", nan)), GRIDS)
    assert problems(parsed) == [(0, "g1", "bad_position")]


def test_a_point_is_inside_a_polygon_but_not_in_its_hole():
    holed = {"type": "Polygon", "coordinates": [
        [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]]}
    assert rules.contains(holed, 1, 1) and not rules.contains(holed, 5, 5) and not rules.contains(holed, 11, 5)
    assert rules.bounds([holed, square(20, 20, 1)]) == (0, 0, 21, 21)
