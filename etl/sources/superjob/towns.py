"""SuperJob town ids onto hh.ru area ids: a small table of the ids documented, then town names.

Only Москва (4) and Санкт-Петербург (14) are documented ids; every other town is resolved by
its title against hh.ru's ``/areas`` tree when the harvest passes one in
(:func:`etl.sources.vocab.area_index`), else it keeps its title and no area id.
"""

from __future__ import annotations

HH_AREAS: dict[int, str] = {4: "1", 14: "2"}
TOWN_OF_AREA: dict[str, int] = {area: town for town, area in HH_AREAS.items()}
