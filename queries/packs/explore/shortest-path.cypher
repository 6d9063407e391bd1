// name: shortest-path
// description: Shortest chain of similarity and citation links between two papers. Empty source = top-PageRank paper; empty target = top-PageRank paper of another cluster. In Browser, source and target are paper ids or parts of titles (the top-PageRank match); `paperkg query run` also takes arXiv ids, DOIs and short names and refuses an ambiguous one.
// param: source string = ""
// param: target string = ""
// param: max_hops int = 8
MATCH (a:Paper)
WHERE coalesce(a.stub, false) = false
  AND ($source = '' OR a.id = $source OR toLower(a.title) CONTAINS toLower($source))
WITH a ORDER BY CASE WHEN a.id = $source THEN 0 ELSE 1 END, a.pagerank DESC LIMIT 1
MATCH (b:Paper)
WHERE b <> a AND coalesce(b.stub, false) = false AND (($target = '' AND b.cluster <> a.cluster)
      OR ($target <> '' AND (b.id = $target OR toLower(b.title) CONTAINS toLower($target))))
WITH a, b ORDER BY CASE WHEN b.id = $target THEN 0 ELSE 1 END, b.pagerank DESC LIMIT 1
MATCH path = shortestPath((a)-[:SIMILAR_TO|CITES*..20]-(b))
WHERE length(path) <= $max_hops
RETURN [n IN nodes(path) | n.title] AS papers, length(path) AS hops,
       [r IN relationships(path) | type(r)] AS relations
