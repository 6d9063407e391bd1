// name: cluster-members
// description: The papers of one cluster or broad topic, most central first, with the methods each uses (links of at least min_confidence).
// param: cluster int = 0
// param: limit int = 20
// param: min_confidence float = 0.0
MATCH (c:Cluster {id: $cluster})
MATCH (p:Paper)-[:IN_CLUSTER]->(s:Cluster)
WHERE s = c OR (s)-[:SUBTOPIC_OF]->(c)
OPTIONAL MATCH (p)-[r:USES|INTRODUCES]->(m:Method)
WHERE coalesce(r.confidence, 1.0) >= $min_confidence
WITH c, s, p, collect(DISTINCT m.name) AS methods
RETURN c.label AS cluster, s.label AS subtopic, p.title AS paper,
       round(p.pagerank * 1000, 3) AS pagerank_x1000, methods[..5] AS methods
ORDER BY p.pagerank DESC
LIMIT $limit
