// name: hybrid-search
// description: Words and meaning together: the full-text index paper_text (title and abstract, Lucene syntax) fused by reciprocal rank fusion (1/(60 + rank), summed) with the vector index paper_embedding. Neo4j Community cannot embed text, so the vector query is the mean embedding of the 3 best full-text hits. `paperkg search` does the same on a snapshot with the query itself embedded.
// param: q string = "learning"
// param: limit int = 10
CALL db.index.fulltext.queryNodes('paper_text', $q) YIELD node, score
WITH node WHERE coalesce(node.stub, false) = false AND node.embedding IS NOT NULL
WITH collect(node)[..100] AS lexical
WHERE size(lexical) > 0
WITH lexical, [n IN lexical[..3] | n.embedding] AS seeds
WITH lexical, [i IN range(0, size(seeds[0]) - 1) |
       reduce(total = 0.0, v IN seeds | total + v[i]) / size(seeds)] AS centre
CALL db.index.vector.queryNodes('paper_embedding', 100, centre) YIELD node, score
WITH lexical, collect(node) AS vector
UNWIND lexical + vector AS paper
WITH DISTINCT paper, lexical, vector
WITH paper,
     [i IN range(0, size(lexical) - 1) WHERE lexical[i] = paper | i + 1][0] AS lexical_rank,
     [i IN range(0, size(vector) - 1) WHERE vector[i] = paper | i + 1][0] AS vector_rank
WITH paper, lexical_rank, vector_rank,
     coalesce(1.0 / (60 + lexical_rank), 0.0) + coalesce(1.0 / (60 + vector_rank), 0.0) AS fused
RETURN paper.title AS title, round(fused * 61 / 2, 4) AS score, lexical_rank, vector_rank,
       paper.cluster AS cluster, paper.id AS id
ORDER BY score DESC, id
LIMIT $limit
