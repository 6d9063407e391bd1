// name: tag-neighbourhood
// description: Papers not yet tagged that are nearest neighbours (SIMILAR_TO, either direction) of a tag's positive papers, in pure Cypher with no classifier: near counts the positives each is similar to, best_cosine its highest cosine to one of them, like names up to three of them, recommended whether the push ranked it in the tag's top 50 too. Most positives first, then cosine. Empty tag = the tag with the most positive papers; a name is matched ignoring case.
// empty: when the database holds no tags (tag papers with `paperkg tag add NAME PAPER...`, then `paperkg push`) or the tag's positive papers have no untagged similar paper
// param: tag string = ""
// param: limit int = 20
MATCH (t:Tag)
WHERE trim($tag) = '' OR toLower(t.name) = toLower(trim($tag))
WITH t ORDER BY COUNT { (t)-[g:TAGGED WHERE g.positive]->(:Paper) } DESC, t.name LIMIT 1
MATCH (t)-[:TAGGED {positive: true}]->(s:Paper)-[r:SIMILAR_TO]-(p:Paper)
WHERE NOT EXISTS { (t)-[:TAGGED]->(p) } AND coalesce(p.stub, false) = false
WITH t, p, s, max(r.score) AS cosine ORDER BY cosine DESC
WITH t, p, count(s) AS near, max(cosine) AS best, collect(s.title)[..3] AS like
RETURN t.name AS tag, p.title AS paper, near, round(best, 3) AS best_cosine, like,
       EXISTS { (t)-[:RECOMMENDS]->(p) } AS recommended, p.published AS published, p.id AS id
ORDER BY near DESC, best DESC, id
LIMIT $limit
