// name: semantic-search
// description: Papers nearest to a paper, or to a text's embedding, through the vector index paper_embedding; score is the cosine similarity (-1 to 1, the scale of `paperkg similar` and of SIMILAR_TO edges), recomputed exactly for the index's candidates. Empty paper = the top-PageRank paper. In Browser, paper is a paper id, an arXiv id (or its URL) or words of its title, read through the full-text index paper_text (the top-PageRank match); `paperkg query run` also takes DOIs and short names and refuses an ambiguous one. embedding (a list of numbers, used instead of the paper when not empty) is set by `paperkg query run semantic-search --text "..."`, which embeds the text with the snapshot's model.
// param: paper string = ""
// param: embedding list = []
// param: limit int = 10
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
WHERE size($embedding) = 0 AND coalesce(p.stub, false) = false
WITH p ORDER BY how, p.pagerank DESC LIMIT 1
WITH collect(p)[0] AS p
WITH p, CASE WHEN size($embedding) > 0 THEN $embedding ELSE p.embedding END AS vector
WHERE vector IS NOT NULL
CALL db.index.vector.queryNodes('paper_embedding', 2 * $limit + 10, vector) YIELD node
WITH p, node, 2 * vector.similarity.cosine(vector, node.embedding) - 1 AS cosine
WHERE node <> p OR p IS NULL
RETURN coalesce(p.title, '(the text given)') AS query_paper, node.title AS similar_paper,
       round(cosine, 3) AS score, node.cluster AS cluster, node.id AS id
ORDER BY cosine DESC, id
LIMIT $limit
