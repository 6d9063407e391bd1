// name: paper-neighbourhood
// description: One paper's similar papers and citations (in and out), strongest first. Empty paper = the top-PageRank paper. In Browser, paper is a paper id or a part of its title (the top-PageRank match); `paperkg query run` also takes arXiv ids, DOIs and short names and refuses an ambiguous one.
// param: paper string = ""
// param: limit int = 15
MATCH (p:Paper)
WHERE coalesce(p.stub, false) = false
  AND ($paper = '' OR p.id = $paper OR toLower(p.title) CONTAINS toLower($paper))
WITH p ORDER BY CASE WHEN p.id = $paper THEN 0 ELSE 1 END, p.pagerank DESC LIMIT 1
MATCH (p)-[r:SIMILAR_TO|CITES]-(q:Paper)
RETURN p.title AS paper, type(r) AS relation,
       CASE WHEN startNode(r) = p THEN 'out' ELSE 'in' END AS direction,
       q.title AS neighbour, round(coalesce(r.score, 1.0), 3) AS score, q.cluster AS cluster
ORDER BY score DESC, neighbour
LIMIT $limit
