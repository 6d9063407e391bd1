// name: paper-neighbourhood
// description: One paper's similar papers (score: their cosine similarity) and citations (in and out; score 1), strongest first. Empty paper = the top-PageRank paper. In Browser, paper is a paper id, an arXiv id (or its URL) or words of its title, read through the full-text index paper_text (the top-PageRank match); `paperkg query run` also takes DOIs and short names and refuses an ambiguous one.
// param: paper string = ""
// param: limit int = 15
WITH trim($paper) AS ref
WITH ref, last(split(last(split(toLower(ref), '/abs/')), '/pdf/')) AS tail
WITH ref, CASE WHEN tail STARTS WITH 'arxiv:' THEN trim(substring(tail, 6)) ELSE tail END AS tail
WITH ref, CASE WHEN tail ENDS WITH '.pdf' THEN left(tail, size(tail) - 4) ELSE tail END AS tail
WITH ref, CASE WHEN tail =~ '.+v[0-9]+' THEN left(tail, size(tail) - size(split(tail, 'v')[-1]) - 1)
               ELSE tail END AS arxiv
WITH ref, COLLECT { MATCH (p:Paper) WHERE p.id IN [ref, 'arxiv:' + arxiv] RETURN p } AS named
UNWIND named + COLLECT {
         CALL db.index.fulltext.queryNodes('paper_text',
           'title:"' + replace(replace(ref, '\\', '\\\\'), '"', '\\"') + '"') YIELD node
         RETURN node
       } + COLLECT { MATCH (p:Paper) WHERE toLower(p.title) CONTAINS toLower(ref) RETURN p }
       AS p
WITH p, CASE WHEN p IN named THEN 0 WHEN toLower(p.title) = toLower(ref) THEN 1 ELSE 2 END AS how
WHERE coalesce(p.stub, false) = false
WITH p ORDER BY how, p.pagerank DESC LIMIT 1
MATCH (p)-[r:SIMILAR_TO|CITES]-(q:Paper)
RETURN p.title AS paper, type(r) AS relation,
       CASE WHEN startNode(r) = p THEN 'out' ELSE 'in' END AS direction,
       q.title AS neighbour, round(coalesce(r.score, 1.0), 3) AS score, q.cluster AS cluster
ORDER BY score DESC, neighbour
LIMIT $limit
