// name: shortest-path
// description: Shortest chain of similarity and citation links between two papers. Empty source = top-PageRank paper; empty target = top-PageRank paper of another cluster. In Browser, source and target are paper ids, arXiv ids (or their URLs) or words of their titles, read through the full-text index paper_text (the top-PageRank match); `paperkg query run` also takes DOIs and short names and refuses an ambiguous one.
// param: source string = ""
// param: target string = ""
// param: max_hops int = 8
WITH trim($source) AS ref
WITH ref, last(split(last(split(toLower(ref), '/abs/')), '/pdf/')) AS tail
WITH ref, CASE WHEN tail STARTS WITH 'arxiv:' THEN trim(substring(tail, 6)) ELSE tail END AS tail
WITH ref, CASE WHEN tail ENDS WITH '.pdf' THEN left(tail, size(tail) - 4) ELSE tail END AS tail
WITH ref, CASE WHEN tail =~ '.+v[0-9]+' THEN left(tail, size(tail) - size(split(tail, 'v')[-1]) - 1)
               ELSE tail END AS arxiv
WITH ref, COLLECT { MATCH (a:Paper) WHERE a.id IN [ref, 'arxiv:' + arxiv] RETURN a } AS named
UNWIND named + COLLECT {
         CALL db.index.fulltext.queryNodes('paper_text',
           'title:"' + replace(replace(ref, '\\', '\\\\'), '"', '\\"') + '"') YIELD node
         RETURN node
       } + COLLECT { MATCH (a:Paper) WHERE toLower(a.title) CONTAINS toLower(ref) RETURN a }
       AS a
WITH a, CASE WHEN a IN named THEN 0 WHEN toLower(a.title) = toLower(ref) THEN 1 ELSE 2 END AS how
WHERE coalesce(a.stub, false) = false
WITH a ORDER BY how, a.pagerank DESC LIMIT 1
WITH a, trim($target) AS ref
WITH a, ref, last(split(last(split(toLower(ref), '/abs/')), '/pdf/')) AS tail
WITH a, ref, CASE WHEN tail STARTS WITH 'arxiv:' THEN trim(substring(tail, 6)) ELSE tail END AS tail
WITH a, ref, CASE WHEN tail ENDS WITH '.pdf' THEN left(tail, size(tail) - 4) ELSE tail END AS tail
WITH a, ref, CASE WHEN tail =~ '.+v[0-9]+'
                  THEN left(tail, size(tail) - size(split(tail, 'v')[-1]) - 1) ELSE tail END AS arxiv
WITH a, ref, COLLECT { MATCH (b:Paper) WHERE b.id IN [ref, 'arxiv:' + arxiv] RETURN b } AS named
UNWIND named + COLLECT {
         CALL db.index.fulltext.queryNodes('paper_text',
           'title:"' + replace(replace(ref, '\\', '\\\\'), '"', '\\"') + '"') YIELD node
         RETURN node
       } + COLLECT { MATCH (b:Paper) WHERE toLower(b.title) CONTAINS toLower(ref) RETURN b }
       AS b
WITH a, b, ref,
     CASE WHEN b IN named THEN 0 WHEN toLower(b.title) = toLower(ref) THEN 1 ELSE 2 END AS how
WHERE b <> a AND coalesce(b.stub, false) = false AND (ref <> '' OR b.cluster <> a.cluster)
WITH a, b ORDER BY how, b.pagerank DESC LIMIT 1
MATCH path = shortestPath((a)-[:SIMILAR_TO|CITES*..20]-(b))
WITH path WHERE length(path) <= $max_hops
RETURN [n IN nodes(path) | n.title] AS papers, length(path) AS hops,
       [r IN relationships(path) | type(r)] AS relations
