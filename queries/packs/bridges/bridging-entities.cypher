// name: bridging-entities
// description: Methods, datasets and repos whose papers span two or more clusters, widest spread first.
// param: limit int = 15
MATCH (e)
WHERE (e:Method OR e:Dataset OR e:Repo) AND e.bridging = true
RETURN labels(e)[0] AS kind, coalesce(e.name, e.url) AS entity, size(e.clusters) AS clusters,
       COUNT { (e)<--(:Paper) } AS papers, e.clusters AS cluster_ids
ORDER BY clusters DESC, papers DESC, entity
LIMIT $limit
