// name: hybrid-search
// description: Words and meaning together: the full-text index paper_text (title and abstract, Lucene syntax) fused by reciprocal rank fusion (1/(60 + rank), summed; score scaled so 1 = first in both) with the vector index paper_embedding, which adds papers that share the meaning but not the words. Neo4j Community cannot embed text, so in Browser the vector query is the mean embedding of the 3 best full-text hits; `paperkg query run hybrid-search --text "..."` sets q to the text and embedding to the text's embedding by the snapshot's model, as `paperkg search` does on a snapshot. cosine is each paper's cosine similarity to the vector query.
// param: q string = "learning"
// param: embedding list = []
// param: limit int = 10
CALL db.index.fulltext.queryNodes('paper_text', $q) YIELD node, score
WITH node WHERE coalesce(node.stub, false) = false AND node.embedding IS NOT NULL
WITH collect(node)[..100] AS lexical
WITH lexical, [n IN lexical[..3] | n.embedding] AS seeds
WITH lexical, CASE
       WHEN size($embedding) > 0 THEN $embedding
       WHEN size(seeds) > 0 THEN [i IN range(0, size(seeds[0]) - 1) |
         reduce(total = 0.0, v IN seeds | total + v[i]) / size(seeds)]
     END AS centre
WHERE centre IS NOT NULL
CALL db.index.vector.queryNodes('paper_embedding', 100, centre) YIELD node
WITH lexical, centre, node ORDER BY vector.similarity.cosine(centre, node.embedding) DESC
WITH lexical, centre, collect(node) AS vector
UNWIND lexical + vector AS paper
WITH DISTINCT paper, lexical, vector, centre
WITH paper, centre,
     [i IN range(0, size(lexical) - 1) WHERE lexical[i] = paper | i + 1][0] AS lexical_rank,
     [i IN range(0, size(vector) - 1) WHERE vector[i] = paper | i + 1][0] AS vector_rank
WITH paper, centre, lexical_rank, vector_rank,
     coalesce(1.0 / (60 + lexical_rank), 0.0) + coalesce(1.0 / (60 + vector_rank), 0.0) AS fused
RETURN paper.title AS title, round(fused * 61 / 2, 4) AS score, lexical_rank, vector_rank,
       round(2 * vector.similarity.cosine(centre, paper.embedding) - 1, 3) AS cosine,
       paper.cluster AS cluster, paper.id AS id
ORDER BY score DESC, id
LIMIT $limit
