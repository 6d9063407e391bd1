// name: code-in-cluster
// description: Papers of one cluster or broad topic (its id; -1 = the unclustered papers) that link code, with the repository and its kind (code, model, dataset, space). cluster -2, the default, = the topic whose papers link code most often, so it answers on any graph where some paper links code.
// param: cluster int = -2
// param: limit int = 20
MATCH (c:Cluster)
WHERE c.id = $cluster OR $cluster = -2
WITH c, COUNT {
       MATCH (p:Paper)-[:IN_CLUSTER]->(s:Cluster)
       WHERE (s = c OR (s)-[:SUBTOPIC_OF]->(c)) AND (p)-[:HAS_CODE]->(:Repo)
     } AS coded
WITH c ORDER BY coded = 0, c.id = -1, coalesce(c.level, 2), coded DESC, c.id LIMIT 1
MATCH (p:Paper)-[:IN_CLUSTER]->(s:Cluster)
WHERE s = c OR (s)-[:SUBTOPIC_OF]->(c)
MATCH (p)-[:HAS_CODE]->(r:Repo)
RETURN c.label AS cluster, s.label AS subtopic, p.title AS paper, r.url AS repo, r.kind AS kind
ORDER BY p.pagerank DESC, repo
LIMIT $limit
