// name: most-cited
// description: Papers cited most within the corpus, by citation source.
// param: limit int = 10
MATCH (p:Paper)<-[c:CITES]-(:Paper)
RETURN p.title AS paper, count(c) AS cited_by, collect(DISTINCT c.source) AS sources
ORDER BY cited_by DESC, paper
LIMIT $limit
