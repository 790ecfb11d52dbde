"""Benchmark: the statistics of one wave with 200,000 answers (SRV-3) on PostgreSQL.

    .venv/bin/python bench/surveys_statistics.py [--answers 200000] [--buildings 40]

Creates its own database (server of TEST_DATABASE_URL / DATABASE_URL, default postgres@127.0.0.1),
migrates surveys, makes one estate of ``--buildings`` buildings with a wave (and an earlier wave of
the same size, for the trend), and bulk-loads ``--answers`` submitted answers to each wave with their
ten scores (the nine elements and the overall) with generate_series; ANALYZEs; then times
GET /api/v1/waves/{id}/statistics's view (surveys.statistics.views.wave_statistics: response rate,
each element in the estate and per building, the weakest, the buildings below the mean, the trend)
beside a baseline of the same run: ``count(*)`` of the wave's scores. Aim: under 1 s. Drops the
database at the end. Prints numbers; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import configured_postgres, create_database, drop_database
from surveys.domain.questionnaires import DEFAULT_VERSION_ID, ELEMENT_CODES
from surveys.service import SERVICE
from surveys.statistics.views import wave_statistics
from surveys.tables import answer_scores, buildings, estates, waves

ANSWERS = """
INSERT INTO answers (id, estate_id, wave_id, questionnaire_version_id, channel, items, state, started_at, submitted_at)
SELECT md5(:wave || g)::uuid, :estate, CAST(:wave AS uuid), :version, 'link', '{}', 'submitted', now(), now()
FROM generate_series(1, :n) AS g
"""
LOAD = """
INSERT INTO answer_scores (answer_id, code, element, estate_id, wave_id, building_id, score)
SELECT md5(:wave || g)::uuid, e.code, e.element, :estate, CAST(:wave AS uuid),
       (CAST(:buildings AS uuid[]))[1 + g % :building_count], 1 + floor(random() * 5)::int
FROM generate_series(1, :n) AS g
CROSS JOIN unnest(CAST(:codes AS text[]), CAST(:elements AS text[])) AS e(code, element)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=200_000)
    parser.add_argument("--buildings", type=int, default=40)
    args = parser.parse_args()
    url = create_database(configured_postgres(), prefix="edbench")
    try:
        upgrade(SERVICE, url)
        engine = make_engine(url)
        estate = uuid.uuid4()
        building_ids = [uuid.uuid4() for _ in range(args.buildings)]
        wave_ids = [uuid.uuid4(), uuid.uuid4()]
        codes = [*ELEMENT_CODES, "overall"]
        started = time.perf_counter()
        with engine.begin() as db:
            db.execute(insert(estates).values(id=estate, code="BENCH", name="基准花园", version=1))
            db.execute(insert(buildings), [{"id": b, "estate_id": estate, "code": f"{i:02d}", "name": f"{i}栋",
                                            "version": 1} for i, b in enumerate(building_ids, 1)])
            for wave_id, period, opens in ((wave_ids[0], "2026-Q3", date(2026, 7, 1)),
                                           (wave_ids[1], "2026-Q4", date(2026, 10, 1))):
                db.execute(insert(waves).values(
                    id=wave_id, estate_id=estate, period=period, questionnaire_version_id=DEFAULT_VERSION_ID,
                    percent=20, lookback=4, seed=1, households=args.answers * 5, sampled=args.answers,
                    opens_on=opens, closes_on=date(2026, 12, 31),
                    opens_at=datetime.combine(opens, datetime.min.time(), UTC),
                    closes_at=datetime(2027, 1, 1, tzinfo=UTC), invited_at=datetime.now(UTC), reminder_days=[],
                    state="open", opened_by="bench", opened_at=datetime.now(UTC), version=1))
                db.execute(text(ANSWERS), {"wave": str(wave_id), "estate": estate, "n": args.answers,
                                           "version": DEFAULT_VERSION_ID})
                db.execute(text(LOAD), {"wave": str(wave_id), "estate": estate, "n": args.answers,
                                        "buildings": [str(b) for b in building_ids],
                                        "building_count": args.buildings, "codes": codes,
                                        "elements": [*ELEMENT_CODES, None]})
            db.execute(text("ANALYZE"))
        load_seconds = time.perf_counter() - started
        baseline, timed = [], []
        for _ in range(5):
            with Session(engine) as session:
                started = time.perf_counter()
                session.execute(select(func.count()).select_from(answer_scores)
                                .where(answer_scores.c.wave_id == wave_ids[1])).scalar_one()
                baseline.append(time.perf_counter() - started)
                started = time.perf_counter()
                stats = wave_statistics(session, wave_ids[1])
                timed.append(time.perf_counter() - started)
        engine.dispose()
        print(f"{args.answers:,} answers ({args.answers * len(codes):,} scores) to each of 2 waves, "
              f"{args.buildings} buildings; loaded in {load_seconds:.1f} s")
        print(f"baseline: count(*) of the wave's scores     median {statistics.median(baseline):6.3f} s")
        print(f"the wave's statistics (with the trend)     median {statistics.median(timed):6.3f} s, "
              f"slowest {max(timed):.3f} s   aim < 1 s; overall mean {stats['overall']['mean']}")
    finally:
        drop_database(url)


if __name__ == "__main__":
    main()
