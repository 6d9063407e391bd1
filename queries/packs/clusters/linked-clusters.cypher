// name: linked-clusters
// description: Pairs of clusters joined by the most similarity and citation edges.
// param: limit int = 10
MATCH (a:Cluster)-[l:LINKS_TO]->(b:Cluster)
RETURN a.id AS cluster_a, a.label AS label_a, b.id AS cluster_b, b.label AS label_b,
       l.edges AS edges
ORDER BY edges DESC
LIMIT $limit
