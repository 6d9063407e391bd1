// name: recommended-for-tag
// description: The papers recommended for a tag, as `paperkg recommend --tag` ranks them: the tag's top 50 untagged papers, scored at push time (RECOMMENDS: rank 1 is the best, score the classifier's decision value, or the cosine to the tagged papers in similarity mode when the tag has fewer than 3 positives), each with why (its nearest tagged papers, the methods and datasets it shares with them, its topic), the date it reached the feed and its topic. Empty tag = the tag with the most positive papers; a name is matched ignoring case.
// empty: when the database holds no tags (tag papers with `paperkg tag add NAME PAPER...`, then `paperkg push`) or the tag has no positive paper in the pushed snapshot
// param: tag string = ""
// param: limit int = 20
MATCH (t:Tag)
WHERE trim($tag) = '' OR toLower(t.name) = toLower(trim($tag))
WITH t ORDER BY COUNT { (t)-[g:TAGGED WHERE g.positive]->(:Paper) } DESC, t.name LIMIT 1
MATCH (t)-[r:RECOMMENDS]->(p:Paper)
OPTIONAL MATCH (p)-[:IN_CLUSTER]->(c:Cluster)
RETURN t.name AS tag, r.rank AS rank, round(r.score, 3) AS score, p.title AS paper, r.why AS why,
       p.feed_date AS feed_date, c.label AS topic, r.mode AS mode, p.id AS id
ORDER BY rank, id
LIMIT $limit
