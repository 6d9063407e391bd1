// name: top-bridges
// description: Papers that connect clusters: highest bridge score (betweenness and participation across clusters), with the label of their own cluster and of the clusters their similarity and citation links reach most.
// param: limit int = 10
MATCH (p:Paper)-[:IN_CLUSTER]->(home:Cluster)
WHERE p.bridge_score IS NOT NULL
WITH p, home ORDER BY p.bridge_score DESC LIMIT $limit
OPTIONAL MATCH (p)-[:SIMILAR_TO|CITES]-(:Paper)-[:IN_CLUSTER]->(other:Cluster)
WHERE other <> home
WITH p, home, other, count(*) AS links ORDER BY links DESC
WITH p, home, collect(other.label + ' (' + toString(links) + ')')[..2] AS reaches
RETURN p.title AS paper, round(p.bridge_score, 3) AS bridge_score, home.label AS cluster,
       reaches, round(p.participation, 3) AS participation
ORDER BY bridge_score DESC
