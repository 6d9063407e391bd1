// name: methods-per-cluster
// description: The methods and models each cluster uses or introduces, most used first.
// param: per_cluster int = 5
MATCH (c:Cluster)<-[:IN_CLUSTER]-(p:Paper)-[:USES|INTRODUCES]->(m:Method)
WITH c, m, count(DISTINCT p) AS papers
ORDER BY papers DESC, m.name
WITH c, collect(m.name + ' (' + toString(papers) + ')') AS methods
RETURN c.id AS cluster, c.label AS label, methods[..$per_cluster] AS methods
ORDER BY cluster
