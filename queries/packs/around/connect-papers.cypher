// name: connect-papers
// description: Paths between two papers mixing similarity (SIMILAR_TO, either direction), citations (CITES, either way) and shared methods and datasets (paper to Method or Dataset to paper: two relationships), shortest first (Cypher SHORTEST, at most max_length relationships, 12 at most; no paper twice), each path once (one row for a SIMILAR_TO either way or for one citation given by several sources). papers lists the papers on the way (ids their ids); hops says what joins each to the next: similar (its cosine), cites or cited by (the citation's sources), shares method or shares dataset (its name). Empty source = the top-PageRank paper; empty target = the top-PageRank paper of another cluster (of the same one when there is no other). In Browser, source and target are paper ids, arXiv ids (or their URLs) or words of their titles, read through the full-text index paper_text (the top-PageRank match); `paperkg query run` also takes DOIs and short names and refuses an ambiguous one.
// empty: when no chain of at most max_length relationships joins the two papers
// param: source string = ""
// param: target string = ""
// param: max_length int = 6
// param: limit int = 5
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
WHERE b <> a AND coalesce(b.stub, false) = false
WITH a, b ORDER BY how, CASE WHEN ref = '' AND b.cluster = a.cluster THEN 1 ELSE 0 END,
     b.pagerank DESC LIMIT 1
MATCH path = SHORTEST 40 (a)-[:SIMILAR_TO|CITES|INTRODUCES|USES|EVALUATES_ON]-{1,12}(b)
WHERE length(path) <= $max_length
  AND all(i IN range(0, length(path) - 1) WHERE NOT nodes(path)[i] IN nodes(path)[i + 1..])
WITH [n IN nodes(path) | elementId(n)] + [r IN relationships(path) | CASE type(r)
       WHEN 'CITES' THEN elementId(startNode(r)) WHEN 'SIMILAR_TO' THEN 'similar' ELSE 'shares'
     END] AS key, collect(path)[0] AS path
WITH key, path, nodes(path) AS ns, relationships(path) AS rs
WITH key, path, ns, rs, [i IN range(0, size(ns) - 1) WHERE ns[i]:Paper] AS at
UNWIND range(0, size(at) - 2) AS j
WITH key, path, ns, at, j, ns[at[j]] AS x, ns[at[j + 1]] AS y, rs[at[j]] AS r,
     CASE WHEN at[j + 1] - at[j] = 2 THEN ns[at[j] + 1] END AS via
WITH key, path, ns, at, j, x, y, r, via, CASE
       WHEN via IS NOT NULL THEN 'shares ' + toLower(labels(via)[0])
       WHEN type(r) = 'SIMILAR_TO' THEN 'similar'
       WHEN startNode(r) = x THEN 'cites'
       ELSE 'cited by'
     END AS kind
WITH key, path, ns, at, j, kind, CASE
       WHEN via IS NOT NULL THEN via.name
       WHEN kind = 'similar' THEN 'cosine ' + toString(round(r.score, 3))
       ELSE 'source ' + reduce(text = '', source IN COLLECT {
              MATCH (x)-[c:CITES]-(y) WHERE startNode(c) = startNode(r)
              RETURN DISTINCT c.source AS source ORDER BY source
            } | text + CASE WHEN text = '' THEN '' ELSE ', ' END + source)
     END AS evidence
ORDER BY j
WITH key, path, ns, at, collect(kind + ' (' + evidence + ')') AS hops
RETURN size(at) - 1 AS length, length(path) AS relationships,
       [i IN at | ns[i].title] AS papers, hops, [i IN at | ns[i].id] AS ids
ORDER BY relationships, length, ids, hops
LIMIT $limit
