// name: methods-per-cluster
// description: The methods and models each cluster uses or introduces, most used first (links of at least min_confidence; 0 counts every link).
// param: per_cluster int = 5
// param: min_confidence float = 0.0
MATCH (c:Cluster)<-[:IN_CLUSTER]-(p:Paper)-[r:USES|INTRODUCES]->(m:Method)
WHERE coalesce(r.confidence, 1.0) >= $min_confidence
WITH c, m, count(DISTINCT p) AS papers
ORDER BY papers DESC, m.name
WITH c, collect(m.name + ' (' + toString(papers) + ')') AS methods
RETURN c.id AS cluster, c.label AS label, methods[..$per_cluster] AS methods
ORDER BY cluster
