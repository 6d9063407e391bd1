// name: introduced-and-used
// description: Methods and datasets introduced by a paper in the corpus, and the papers that use them.
// param: limit int = 15
MATCH (intro:Paper)-[:INTRODUCES]->(e)
OPTIONAL MATCH (user:Paper)-[:USES|EVALUATES_ON]->(e)
WHERE user <> intro
RETURN e.name AS entity, labels(e)[0] AS kind, intro.title AS introduced_by,
       count(DISTINCT user) AS used_by, collect(DISTINCT user.title)[..3] AS users
ORDER BY used_by DESC, entity
LIMIT $limit
