// name: fulltext-search
// description: Full-text search over titles and abstracts (Lucene syntax: words, "phrases", title:word, AND/OR).
// param: q string = "learning"
// param: limit int = 10
CALL db.index.fulltext.queryNodes('paper_text', $q) YIELD node, score
RETURN node.title AS title, round(score, 3) AS score, node.cluster AS cluster, node.id AS id
ORDER BY score DESC
LIMIT $limit
