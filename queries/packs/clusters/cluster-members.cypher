// name: cluster-members
// description: The papers of one cluster, most central first, with the methods each uses.
// param: cluster int = 0
// param: limit int = 20
MATCH (c:Cluster {id: $cluster})<-[:IN_CLUSTER]-(p:Paper)
OPTIONAL MATCH (p)-[:USES|INTRODUCES]->(m:Method)
WITH c, p, collect(DISTINCT m.name) AS methods
RETURN c.label AS cluster, p.title AS paper, round(p.pagerank * 1000, 3) AS pagerank_x1000,
       methods[..5] AS methods
ORDER BY p.pagerank DESC
LIMIT $limit
