// name: bibliographic-coupling
// description: Pairs of papers that cite the same papers (shared references).
// param: limit int = 10
MATCH (a:Paper)-[:CITES]->(t:Paper)<-[:CITES]-(b:Paper)
WHERE elementId(a) < elementId(b)
RETURN a.title AS paper_a, b.title AS paper_b, count(DISTINCT t) AS shared_references,
       collect(DISTINCT t.title)[..3] AS shared
ORDER BY shared_references DESC, paper_a
LIMIT $limit
