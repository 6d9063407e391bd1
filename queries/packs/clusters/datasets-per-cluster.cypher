// name: datasets-per-cluster
// description: The datasets and benchmarks each cluster evaluates on, most used first (links of at least min_confidence; 0 counts every link).
// param: per_cluster int = 5
// param: min_confidence float = 0.0
MATCH (c:Cluster)<-[:IN_CLUSTER]-(p:Paper)-[r:EVALUATES_ON]->(d:Dataset)
WHERE coalesce(r.confidence, 1.0) >= $min_confidence
WITH c, d, count(DISTINCT p) AS papers
ORDER BY papers DESC, d.name
WITH c, collect(d.name + ' (' + toString(papers) + ')') AS datasets
RETURN c.id AS cluster, c.label AS label, datasets[..$per_cluster] AS datasets
ORDER BY cluster
