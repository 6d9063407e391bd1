// name: bridging-entities
// description: Methods, datasets and repos whose papers spread over two or three clusters (each holding at least a fifth of them), scored by that spread discounted by how common the entity is.
// param: limit int = 15
MATCH (e)
WHERE (e:Method OR e:Dataset OR e:Repo) AND e.bridging = true
UNWIND e.joins AS joined
MATCH (c:Cluster {id: joined})
WITH e, collect(c.label) AS joins
RETURN labels(e)[0] AS kind, coalesce(e.name, e.url) AS entity,
       round(e.bridge_score, 3) AS score, COUNT { (e)<--(:Paper) } AS papers, joins
ORDER BY score DESC, papers DESC, entity
LIMIT $limit
