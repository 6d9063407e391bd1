// name: co-citation
// description: Pairs cited together by the same papers: papers co-cited (CITES), then methods and datasets co-used (USES/EVALUATES_ON), which feed abstracts carry far more of.
// param: limit int = 10
CALL () {
  MATCH (a:Paper)<-[:CITES]-(x:Paper)-[:CITES]->(b:Paper)
  WHERE elementId(a) < elementId(b)
  RETURN 'papers' AS kind, a.title AS item_a, b.title AS item_b, count(DISTINCT x) AS together
  UNION ALL
  MATCH (a)<-[:USES|EVALUATES_ON]-(x:Paper)-[:USES|EVALUATES_ON]->(b)
  WHERE elementId(a) < elementId(b)
  RETURN 'entities' AS kind, a.name AS item_a, b.name AS item_b, count(DISTINCT x) AS together
}
RETURN kind, item_a, item_b, together
ORDER BY CASE kind WHEN 'papers' THEN 0 ELSE 1 END, together DESC, item_a, item_b
LIMIT $limit
