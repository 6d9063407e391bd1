// name: papers-without-code
// description: Central papers that link no code repository, by cluster.
// param: limit int = 20
MATCH (p:Paper)
WHERE NOT (p)-[:HAS_CODE]->(:Repo)
RETURN p.title AS paper, p.cluster AS cluster, round(p.pagerank * 1000, 3) AS pagerank_x1000
ORDER BY p.pagerank DESC
LIMIT $limit
