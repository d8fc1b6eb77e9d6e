"""webapp.grid_query: AG Grid requests become safe SQL (no database needed)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql

from webapp import grid_query
from webapp.grid_query import GridRequest

DIALECT = postgresql.dialect()


def sql(statement) -> tuple[str, dict]:
    compiled = statement.compile(dialect=DIALECT, compile_kwargs={"render_postcompile": True})
    return str(compiled), dict(compiled.params)


def test_block_bounds_are_clamped() -> None:
    request = GridRequest.from_ag_grid({"startRow": -5, "endRow": 10**9})
    assert (request.start_row, request.end_row) == (0, grid_query.MAX_BLOCK)
    request = GridRequest.from_ag_grid({"startRow": "0; DROP TABLE x", "endRow": None})
    assert (request.start_row, request.end_row) == (0, grid_query.BLOCK_SIZE)
    assert GridRequest.from_ag_grid(None).limit == grid_query.BLOCK_SIZE


def test_only_whitelisted_columns_sort_and_the_id_breaks_ties() -> None:
    request = GridRequest.from_ag_grid(
        {
            "sortModel": [
                {"colId": "salary_from_rub", "sort": "desc"},
                {"colId": "password_hash", "sort": "asc"},
                {"colId": "name; DROP TABLE t05_jh_users --", "sort": "asc"},
                {"colId": "name", "sort": "sideways"},
                {"colId": "area_id", "sort": "asc"},  # filterable but not sortable
            ]
        }
    )
    assert request.sort_model == (("salary_from_rub", "desc"),)
    text, _ = sql(grid_query.rows_query(1, request))
    order = text.split("ORDER BY")[1]
    assert "salary_from_rub DESC NULLS LAST" in order and "t01_jh_vacancies.id DESC" in order
    assert "password_hash" not in text and "DROP" not in text


def test_default_sort_is_newest_first_and_matches_the_published_at_index() -> None:
    text, _ = sql(grid_query.rows_query(1, GridRequest.from_ag_grid({})))
    order = text.split("ORDER BY")[1]
    # published_at is NOT NULL: no NULLS LAST, so its btree index serves the sort
    assert "published_at DESC, " in order and "NULLS" not in order.split(",")[0]


def test_unknown_filter_columns_are_dropped_and_values_are_parameters() -> None:
    hostile = "x' OR 1=1 --"
    request = GridRequest.from_ag_grid(
        {
            "filterModel": {
                "name": {"filterType": "text", "type": "contains", "filter": hostile},
                "password_hash": {"filterType": "text", "type": "contains", "filter": "a"},
                "1=1) OR (1": {"filterType": "text", "type": "equals", "filter": "a"},
            }
        }
    )
    assert set(request.filter_model) == {"name"}
    text, params = sql(grid_query.rows_query(7, request))
    assert hostile not in text and "1=1" not in text
    assert hostile in params.values()
    assert "ILIKE" in text and "ESCAPE" in text


def test_like_wildcards_in_text_filters_are_escaped() -> None:
    condition = grid_query.column_condition("employer_name", {"type": "contains", "filter": "100%_банк"})
    text, params = sql(condition)
    assert "ESCAPE '/'" in text
    assert "100/%/_банк" in params.values()


def test_filter_kind_comes_from_the_whitelist_not_from_the_request() -> None:
    # a number column with a "text" filter type is still treated as a number filter
    condition = grid_query.column_condition(
        "salary_from_rub", {"filterType": "text", "type": "greaterThanOrEqual", "filter": "150000"}
    )
    text, params = sql(condition)
    assert ">=" in text and 150000.0 in params.values()
    assert grid_query.column_condition("salary_from_rub", {"type": "equals", "filter": "abc"}) is None
    assert grid_query.column_condition("salary_from_rub", {"type": "equals", "filter": float("nan")}) is None
    assert grid_query.column_condition("salary_from_rub", {"type": "drop table", "filter": 1}) is None


def test_number_range_and_two_conditions() -> None:
    text, params = sql(
        grid_query.column_condition(
            "salary_to_rub", {"type": "inRange", "filter": 300000, "filterTo": 100000}
        )
    )
    assert "BETWEEN" in text and set(params.values()) >= {100000, 300000}
    text, _ = sql(
        grid_query.column_condition(
            "name",
            {
                "filterType": "text",
                "operator": "OR",
                "conditions": [
                    {"type": "contains", "filter": "python"},
                    {"type": "contains", "filter": "java"},
                ],
            },
        )
    )
    assert " OR " in text


def test_date_filters_use_whole_days_in_moscow() -> None:
    _, params = sql(
        grid_query.column_condition("published_at", {"type": "equals", "dateFrom": "2026-11-20 00:00:00"})
    )
    start, end = sorted(v for v in params.values())
    assert start.isoformat() == "2026-11-20T00:00:00+03:00" and (end - start).days == 1
    assert grid_query.column_condition("published_at", {"type": "equals", "dateFrom": "'; DROP"}) is None


def test_multi_filters_take_only_scalar_values() -> None:
    text, params = sql(
        grid_query.column_condition(
            "experience", {"values": ["between1And3", {"$ne": 1}, ["x"], True, "moreThan6"]}
        )
    )
    assert "IN" in text
    assert sorted(
        v for value in params.values() for v in (value if isinstance(value, list) else [value])
    ) == [
        "between1And3",
        "moreThan6",
    ]
    text, params = sql(grid_query.column_condition("work_format", {"values": ["REMOTE"]}))
    assert "&&" in text and ["REMOTE"] in params.values()
    # search ids must be numbers: anything else is dropped
    text, params = sql(grid_query.column_condition("searches", {"values": ["1", "2 OR 1=1", 3]}))
    assert [1, 3] in params.values()
    # every value unticked: nothing matches
    text, _ = sql(grid_query.column_condition("area_id", {"values": []}))
    assert "false" in text.lower()


def test_area_filter_by_id_arrives_under_the_area_column() -> None:
    request = GridRequest.from_ag_grid(
        {"filterModel": {"area": {"filterType": "multi", "values": ["1", "2"]}}}
    )
    assert set(request.filter_model) == {"area_id"}


def test_quick_search_is_a_parameter_and_is_cut() -> None:
    hostile = "'); DELETE FROM t08_jh_user_vacancies; --" + "x" * 500
    request = GridRequest.from_ag_grid({}, quick=hostile)
    assert len(request.quick) == grid_query.QUICK_MAX
    text, params = sql(grid_query.rows_query(1, request))
    assert "DELETE" not in text and "websearch_to_tsquery" in text
    assert request.quick in params.values()
    assert GridRequest.from_ag_grid({}, quick={"$gt": ""}).quick == ""
    assert GridRequest.from_ag_grid({}, quick="a\x00b").quick == "a b"


def test_every_statement_is_scoped_to_the_user_and_hides_banned_rows_by_default() -> None:
    request = GridRequest.from_ag_grid({})
    for statement in (grid_query.rows_query(42, request), grid_query.count_query(42, request)):
        text, params = sql(statement)
        assert "t08_jh_user_vacancies.user_id = " in text
        assert 42 in params.values()
        assert "is_banned IS false" in text and "t11_jh_banned_employers" in text
    shown = GridRequest.from_ag_grid({}, show_banned=True)
    text, _ = sql(grid_query.rows_query(42, shown).where())
    assert "is_banned IS false" not in text
    # a toggle value that is not exactly True does not show hidden rows
    assert GridRequest.from_ag_grid({}, show_banned="yes").show_banned is False


def test_count_is_capped() -> None:
    text, params = sql(grid_query.count_query(1, GridRequest.from_ag_grid({})))
    assert "LIMIT" in text and grid_query.COUNT_CAP + 1 in params.values()


def test_date_filters_use_whole_days_in_the_users_zone() -> None:
    """The grid shows dates in the user's zone, so a filter for a day means that user's day."""
    import flask

    from webapp import clock

    app = flask.Flask(__name__)
    with app.test_request_context("/"):
        flask.g.jh_zone = clock._zone("Asia/Vladivostok")  # what current_zone() found for this user
        _, params = sql(
            grid_query.column_condition("published_at", {"type": "equals", "dateFrom": "2026-11-20 00:00:00"})
        )
    start, end = sorted(v for v in params.values())
    assert start.isoformat() == "2026-11-20T00:00:00+10:00" and (end - start).days == 1


def test_the_source_filter_binds_only_known_boards_and_is_scoped_to_the_user() -> None:
    request = GridRequest.from_ag_grid(
        {"filterModel": {"source": {"filterType": "multi", "values": ["superjob", "x' OR 1=1", "hh", 7]}}}
    )
    text, params = sql(grid_query.rows_query(42, request))
    boards = [v for v in params.values() if isinstance(v, str)]
    assert sorted(boards) == ["hh", "hh", "superjob", "superjob"]  # the row's board and its group's
    assert "x' OR 1=1" not in text and all("OR 1=1" not in str(v) for v in params.values())
    # the group members probed belong to the same user, as do the splits
    assert "member_link.user_id" in text and "t20_jh_group_splits.user_id" in text
    assert list(params.values()).count(42) == len([k for k in params if k.startswith("user_id")])


def test_every_statement_hides_a_groups_later_members() -> None:
    for statement in (
        grid_query.rows_query(1, GridRequest()),
        grid_query.count_query(1, GridRequest()),
        grid_query.candidates_query(1, GridRequest(), 100),
    ):
        text, _ = sql(statement)
        assert "member.group_id = jh.t01_jh_vacancies.group_id" in text
        assert "member.id < jh.t01_jh_vacancies.id" in text
