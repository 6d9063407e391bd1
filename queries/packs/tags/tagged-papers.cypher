// name: tagged-papers
// description: The papers of a tag: its positives (thumbs up) first, then its negatives (thumbs down, `paperkg tag add --negative`), each in the order tagged (added: the time, UTC), with its topic and date. Papers tagged but not in the pushed snapshot are not in the database (`paperkg tag list` names them). Empty tag = the tag with the most positive papers; a name is matched ignoring case.
// empty: when the database holds no tags (tag papers with `paperkg tag add NAME PAPER...`, then `paperkg push`) or none of the tag's papers is in the pushed snapshot
// param: tag string = ""
// param: limit int = 50
MATCH (t:Tag)
WHERE trim($tag) = '' OR toLower(t.name) = toLower(trim($tag))
WITH t ORDER BY COUNT { (t)-[g:TAGGED WHERE g.positive]->(:Paper) } DESC, t.name LIMIT 1
MATCH (t)-[g:TAGGED]->(p:Paper)
OPTIONAL MATCH (p)-[:IN_CLUSTER]->(c:Cluster)
RETURN t.name AS tag, CASE WHEN g.positive THEN 'positive' ELSE 'negative' END AS sign,
       p.title AS paper, g.added AS added, c.label AS topic, p.published AS published, p.id AS id
ORDER BY g.positive DESC, g.order, id
LIMIT $limit
