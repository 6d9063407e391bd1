// name: cluster-members
// description: The papers of one cluster or broad topic (its id; -1 = the unclustered papers), most central first, with the methods each uses (links of at least min_confidence). cluster -2, the default, = the largest topic (the largest cluster when there are no topics), so it answers on any graph.
// param: cluster int = -2
// param: limit int = 20
// param: min_confidence float = 0.0
MATCH (c:Cluster)
WHERE c.id = $cluster OR $cluster = -2
WITH c ORDER BY c.id = -1, coalesce(c.level, 2), c.size DESC, c.id LIMIT 1
MATCH (p:Paper)-[:IN_CLUSTER]->(s:Cluster)
WHERE s = c OR (s)-[:SUBTOPIC_OF]->(c)
OPTIONAL MATCH (p)-[r:USES|INTRODUCES]->(m:Method)
WHERE coalesce(r.confidence, 1.0) >= $min_confidence
WITH c, s, p, collect(DISTINCT m.name) AS methods
RETURN c.label AS cluster, s.label AS subtopic, p.title AS paper,
       round(p.pagerank * 1000, 3) AS pagerank_x1000, methods[..5] AS methods
ORDER BY p.pagerank DESC
LIMIT $limit
