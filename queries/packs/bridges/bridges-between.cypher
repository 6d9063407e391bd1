// name: bridges-between
// description: Papers of two clusters (level 2) with the most links into the other one. -1 for both = the two most linked clusters; -1 for one = the cluster most linked to the other.
// param: a int = -1
// param: b int = -1
// param: limit int = 10
MATCH (x:Cluster)-[l:LINKS_TO]-(y:Cluster)
WHERE coalesce(x.level, 2) = 2 AND coalesce(y.level, 2) = 2
  AND ($a < 0 OR x.id = $a) AND ($b < 0 OR y.id = $b)
  AND ($a >= 0 OR $b >= 0 OR x.id < y.id)
WITH x, y ORDER BY l.edges DESC, x.id, y.id LIMIT 1
MATCH (p:Paper)-[:IN_CLUSTER]->(home:Cluster)
WHERE home IN [x, y]
MATCH (p)-[:SIMILAR_TO|CITES]-(q:Paper)-[:IN_CLUSTER]->(other:Cluster)
WHERE other IN [x, y] AND other <> home
WITH home, other, p, count(DISTINCT q) AS links
RETURN home.label AS cluster, other.label AS links_into, p.title AS paper, links,
       round(p.bridge_score, 3) AS bridge_score
ORDER BY links DESC, bridge_score DESC
LIMIT $limit
