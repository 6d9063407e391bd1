// name: semantic-search
// description: Papers nearest to a paper's embedding through the vector index (cosine). Empty paper = the top-PageRank paper. In Browser, paper is a paper id or a part of its title (the top-PageRank match); `paperkg query run` also takes arXiv ids, DOIs and short names and refuses an ambiguous one.
// param: paper string = ""
// param: limit int = 10
MATCH (p:Paper)
WHERE coalesce(p.stub, false) = false
  AND ($paper = '' OR p.id = $paper OR toLower(p.title) CONTAINS toLower($paper))
WITH p ORDER BY CASE WHEN p.id = $paper THEN 0 ELSE 1 END, p.pagerank DESC LIMIT 1
CALL db.index.vector.queryNodes('paper_embedding', $limit + 1, p.embedding) YIELD node, score
WITH p, node, score WHERE node <> p
RETURN p.title AS query_paper, node.title AS similar_paper, round(score, 4) AS score,
       node.cluster AS cluster
ORDER BY score DESC
