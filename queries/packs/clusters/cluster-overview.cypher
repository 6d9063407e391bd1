// name: cluster-overview
// description: Broad topics (level 1) and the clusters inside each (level 2), with size, label and most used methods and datasets (-1 = unclustered).
// param: limit int = 60
MATCH (c:Cluster)
OPTIONAL MATCH (c)-[:SUBTOPIC_OF]->(t:Cluster)
WITH c, coalesce(t, c) AS parent
RETURN parent.id AS topic, parent.label AS topic_label, c.level AS level, c.id AS cluster,
       c.size AS papers, c.label AS label, c.methods[..3] AS methods,
       c.datasets[..3] AS datasets, parent.size AS topic_size
ORDER BY CASE WHEN cluster < 0 THEN 1 ELSE 0 END, topic_size DESC, topic, level, papers DESC
LIMIT $limit
