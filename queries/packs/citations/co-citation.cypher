// name: co-citation
// description: Pairs cited together by the same papers: papers co-cited (CITES), then methods and datasets co-used (USES/EVALUATES_ON, links of at least min_confidence), which feed abstracts carry far more of.
// param: limit int = 10
// param: min_confidence float = 0.0
MATCH (a:Paper)<-[:CITES]-(x:Paper)-[:CITES]->(b:Paper)
WHERE elementId(a) < elementId(b)
WITH a, b, count(DISTINCT x) AS together
ORDER BY together DESC, a.title, b.title
LIMIT $limit
RETURN 'papers' AS kind, a.title AS item_a, b.title AS item_b, together
UNION ALL
MATCH (a)<-[ra:USES|EVALUATES_ON]-(x:Paper)-[rb:USES|EVALUATES_ON]->(b)
WHERE elementId(a) < elementId(b)
  AND coalesce(ra.confidence, 1.0) >= $min_confidence
  AND coalesce(rb.confidence, 1.0) >= $min_confidence
WITH a, b, count(DISTINCT x) AS together
ORDER BY together DESC, a.name, b.name
LIMIT $limit
RETURN 'entities' AS kind, a.name AS item_a, b.name AS item_b, together
