// name: code-in-cluster
// description: Papers of one cluster that link code, with the repository and its kind (code, model, dataset, space).
// param: cluster int = 0
// param: limit int = 20
MATCH (c:Cluster {id: $cluster})<-[:IN_CLUSTER]-(p:Paper)-[:HAS_CODE]->(r:Repo)
RETURN c.label AS cluster, p.title AS paper, r.url AS repo, r.kind AS kind
ORDER BY p.pagerank DESC, repo
LIMIT $limit
