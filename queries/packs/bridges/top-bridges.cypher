// name: top-bridges
// description: Papers that connect clusters: highest bridge score (betweenness and participation across clusters).
// param: limit int = 10
MATCH (p:Paper)
WHERE p.bridge_score IS NOT NULL
RETURN p.title AS paper, round(p.bridge_score, 3) AS bridge_score, p.cluster AS cluster,
       round(p.participation, 3) AS participation, round(p.betweenness, 4) AS betweenness
ORDER BY p.bridge_score DESC
LIMIT $limit
