// name: co-citation
// description: Pairs cited together by the same papers: papers co-cited (CITES), then methods and datasets co-used (USES/EVALUATES_ON), which feed abstracts carry far more of.
// param: limit int = 10
MATCH (a:Paper)<-[:CITES]-(x:Paper)-[:CITES]->(b:Paper)
WHERE elementId(a) < elementId(b)
WITH a, b, count(DISTINCT x) AS together
ORDER BY together DESC, a.title, b.title
LIMIT $limit
RETURN 'papers' AS kind, a.title AS item_a, b.title AS item_b, together
UNION ALL
MATCH (a)<-[:USES|EVALUATES_ON]-(x:Paper)-[:USES|EVALUATES_ON]->(b)
WHERE elementId(a) < elementId(b)
WITH a, b, count(DISTINCT x) AS together
ORDER BY together DESC, a.name, b.name
LIMIT $limit
RETURN 'entities' AS kind, a.name AS item_a, b.name AS item_b, together
