// name: cluster-overview
// description: Every cluster with its size, keyword label and most used methods and datasets (-1 = unclustered).
// param: limit int = 50
MATCH (c:Cluster)
RETURN c.id AS cluster, c.size AS papers, c.label AS label, c.methods[..3] AS methods,
       c.datasets[..3] AS datasets
ORDER BY CASE WHEN c.id < 0 THEN 1 ELSE 0 END, c.id
LIMIT $limit
