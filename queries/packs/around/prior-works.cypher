// name: prior-works
// description: Prior works of a paper, as Connected Papers lists them: the works most often cited by the paper and its neighbourhood (its similar papers, either direction, what it cites and what cites it; outside works, stubs, included). shared counts the papers of the neighbourhood citing the work, cited_by_paper whether the paper itself does, cited_by_neighbours how many of its neighbourhood (neighbours papers) do; a work needs 2 of them (1 when fewer than 5 neighbours). Ranked by shared, then PageRank. Empty paper = the top-PageRank paper. In Browser, paper is a paper id, an arXiv id (or its URL) or words of its title, read through the full-text index paper_text (the top-PageRank match); `paperkg query run` also takes DOIs and short names and refuses an ambiguous one.
// empty: when no work is cited by enough of the neighbourhood (graphs with few citations: build from Semantic Scholar or OpenAlex, which carry reference lists)
// param: paper string = ""
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
WHERE coalesce(p.stub, false) = false
WITH p ORDER BY how, p.pagerank DESC LIMIT 1
WITH p, COLLECT { MATCH (p)-[:SIMILAR_TO|CITES]-(n:Paper) WHERE n <> p RETURN DISTINCT n } AS around
WITH p, around, CASE WHEN size(around) >= 5 THEN 2 ELSE 1 END AS least
UNWIND [p] + around AS member
MATCH (member)-[:CITES]->(w:Paper)
WHERE w <> p
WITH p, around, least, w, collect(DISTINCT member) AS members
WHERE size(members) >= least
RETURN p.title AS paper, w.title AS work, size(members) AS shared,
       p IN members AS cited_by_paper, size([m IN members WHERE m <> p]) AS cited_by_neighbours,
       size(around) AS neighbours, coalesce(w.stub, false) AS outside, w.published AS published,
       w.id AS id
ORDER BY shared DESC, coalesce(w.pagerank, 0.0) DESC, id
LIMIT $limit
