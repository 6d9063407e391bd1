// name: tags-overview
// description: Every tag with its counts: positives and negatives (thumbs up and down) among the pushed snapshot's papers, recommended (its RECOMMENDS, the top 50 ranked at push time), the topics its positives sit in, its best recommendation and when it was last added to. Most positives first.
// empty: when the database holds no tags (tag papers with `paperkg tag add NAME PAPER...`, then `paperkg push`)
// param: limit int = 50
MATCH (t:Tag)
RETURN t.name AS tag,
       COUNT { (t)-[g:TAGGED WHERE g.positive]->(:Paper) } AS positives,
       COUNT { (t)-[g:TAGGED WHERE NOT g.positive]->(:Paper) } AS negatives,
       COUNT { (t)-[:RECOMMENDS]->(:Paper) } AS recommended,
       COLLECT {
         MATCH (t)-[g:TAGGED WHERE g.positive]->(:Paper)-[:IN_CLUSTER]->(c:Cluster)
         RETURN DISTINCT c.label AS topic ORDER BY topic
       } AS topics,
       COLLECT {
         MATCH (t)-[r:RECOMMENDS]->(p:Paper) RETURN p.title AS title ORDER BY r.rank LIMIT 1
       }[0] AS top_recommendation,
       COLLECT {
         MATCH (t)-[g:TAGGED]->(:Paper) RETURN g.added AS added ORDER BY added DESC LIMIT 1
       }[0] AS last_added
ORDER BY positives DESC, tag
LIMIT $limit
