# The benchmark table of scripts/bench-features and scripts/bench-tiles: POINTS random points over Wuhan
# in the entity collection bench_points and POLYGONS 50 m squares in bench_polygons, written with SQL
# straight into the entity projection's table (a read benchmark; loading ten million points through the
# log would take most of an hour). Loaded once; kept in the stack's data directory between runs.
#
# Source it, then call load_bench_table with: a psql function for the stack's database, $points,
# $polygons and $dir set, and a say function.
load_bench_table() {
loaded="$(psql -c "SELECT count(*) FROM entity_current WHERE collection = 'bench_points'")"
if [ "$loaded" != "$points" ]; then
  say "loading $points points and $polygons polygons (once; kept in $dir)"
  psql -c "DELETE FROM entity_current WHERE collection IN ('bench_points', 'bench_polygons')"
  psql <<SQL
INSERT INTO collections (id, kind, title, description, keywords, theme, properties, registered_at, updated_at, event_id)
VALUES ('bench_points', 'entities', 'Benchmark points', 'Random points over Wuhan', '{benchmark}', 'benchmark',
        '[{"name":"name","type":"string"},{"name":"category","type":"string"},{"name":"value","type":"number"}]', now(), now(), gen_random_uuid()),
       ('bench_polygons', 'entities', 'Benchmark polygons', 'Random 50 m squares over Wuhan', '{benchmark}', 'benchmark',
        '[{"name":"name","type":"string"},{"name":"category","type":"string"},{"name":"value","type":"number"}]', now(), now(), gen_random_uuid())
ON CONFLICT (id) DO NOTHING;
SQL
  step=1000000
  for start in $(seq 1 "$step" "$points"); do
    end=$(( start + step - 1 < points ? start + step - 1 : points ))
    psql <<SQL
SELECT setseed(0.2026 + $start::float8 / 1e9);
INSERT INTO entity_current (collection, entity_id, version, event_id, valid_from, recorded_at, geom, properties)
SELECT 'bench_points', i::text, 1, gen_random_uuid(), now(), now(),
       ST_SetSRID(ST_MakePoint(113.70 + random() * 1.35, 29.97 + random() * 1.40), 4490),
       jsonb_build_object('name', '兴趣点' || i, 'category', (ARRAY['学校','医院','商店','公园','地铁站','餐馆','银行','酒店'])[1 + i % 8],
                          'value', round((random() * 100)::numeric, 2))
FROM generate_series($start, $end) AS i;
SQL
    say "  $end points"
  done
  psql <<SQL
INSERT INTO entity_current (collection, entity_id, version, event_id, valid_from, recorded_at, geom, properties)
SELECT 'bench_polygons', i::text, 1, gen_random_uuid(), now(), now(), ST_SetSRID(ST_Expand(ST_MakePoint(x, y), 0.00025), 4490),
       jsonb_build_object('name', '地块' || i, 'category', (ARRAY['居住','商业','工业','绿地'])[1 + i % 4], 'value', round((random() * 100)::numeric, 2))
FROM (SELECT i, 113.70 + random() * 1.35 AS x, 29.97 + random() * 1.40 AS y FROM generate_series(1, $polygons) AS i) AS s;
VACUUM ANALYZE entity_current;
SQL
fi
}
