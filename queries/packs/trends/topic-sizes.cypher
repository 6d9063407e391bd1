// name: topic-sizes
// description: Topic sizes over time: dated papers per broad topic (level 1) or cluster (level 2) per week (unit: day, week, month or year; weeks start on Monday), oldest first, with each topic's label and its share of the period's dated papers. cluster -2, the default, = every topic of the level (clusters when the graph has no topics); else that topic or cluster alone. Undated papers are not counted.
// param: level int = 1
// param: cluster int = -2
// param: unit string = "week"
// param: limit int = 1000
OPTIONAL MATCH (t:Cluster {level: 1})
WITH CASE WHEN $level = 1 AND count(t) = 0 THEN 2 ELSE $level END AS level
MATCH (p:Paper)
WHERE toLower($unit) IN ['day', 'week', 'month', 'year']
  AND p.feed_date IS :: DATE NOT NULL AND coalesce(p.stub, false) = false
WITH level, date.truncate(toLower($unit), p.feed_date) AS period, collect(p) AS papers
UNWIND papers AS p
MATCH (p)-[:IN_CLUSTER]->(s:Cluster)
OPTIONAL MATCH (s)-[:SUBTOPIC_OF]->(t:Cluster)
WITH level, period, size(papers) AS dated, p, [x IN [s, t] WHERE x IS NOT NULL] AS homes
UNWIND homes AS c
WITH level, period, dated, p, c
WHERE c.id >= 0
  AND CASE WHEN $cluster = -2 THEN coalesce(c.level, 2) = level ELSE c.id = $cluster END
RETURN period, c.id AS cluster, c.label AS label, count(DISTINCT p) AS papers,
       round(100.0 * count(DISTINCT p) / dated, 1) AS share_pct, dated AS period_papers
ORDER BY period, papers DESC, cluster
LIMIT $limit
