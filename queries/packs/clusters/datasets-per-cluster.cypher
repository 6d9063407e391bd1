// name: datasets-per-cluster
// description: The datasets and benchmarks each cluster evaluates on, most used first.
// param: per_cluster int = 5
MATCH (c:Cluster)<-[:IN_CLUSTER]-(p:Paper)-[:EVALUATES_ON]->(d:Dataset)
WITH c, d, count(DISTINCT p) AS papers
ORDER BY papers DESC, d.name
WITH c, collect(d.name + ' (' + toString(papers) + ')') AS datasets
RETURN c.id AS cluster, c.label AS label, datasets[..$per_cluster] AS datasets
ORDER BY cluster
