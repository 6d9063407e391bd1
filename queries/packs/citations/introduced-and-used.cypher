// name: introduced-and-used
// description: Methods and datasets introduced by a paper in the corpus, and the papers that use them (links of at least min_confidence).
// param: limit int = 15
// param: min_confidence float = 0.0
MATCH (intro:Paper)-[i:INTRODUCES]->(e)
WHERE coalesce(i.confidence, 1.0) >= $min_confidence
OPTIONAL MATCH (user:Paper)-[u:USES|EVALUATES_ON]->(e)
WHERE user <> intro AND coalesce(u.confidence, 1.0) >= $min_confidence
RETURN e.name AS entity, labels(e)[0] AS kind, intro.title AS introduced_by,
       count(DISTINCT user) AS used_by, collect(DISTINCT user.title)[..3] AS users
ORDER BY used_by DESC, entity
LIMIT $limit
