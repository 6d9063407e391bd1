// name: related-to
// description: Papers most related to a paper, by one score adding up the reasons, each a column: cosine (SIMILAR_TO score, either direction), citation (cites, cited by or both: +0.5), shared_citers (papers citing both, co-citation) and shared_references (works both cite, bibliographic coupling): +0.25 each, and shared_entities (methods and datasets both introduce, use or evaluate on, rarest first): +0.5 / log2(1 + papers linked to it) each, so a rare method weighs more than a common one. Empty paper = the top-PageRank paper. In Browser, paper is a paper id, an arXiv id (or its URL) or words of its title, read through the full-text index paper_text (the top-PageRank match); `paperkg query run` also takes DOIs and short names and refuses an ambiguous one.
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
WITH p, COLLECT {
       MATCH (p)-[:INTRODUCES|USES|EVALUATES_ON]->(e)
       WHERE e:Method OR e:Dataset
       WITH DISTINCT e
       RETURN {entity: e, weight: log(2) / log(1 + COUNT {
         MATCH (e)<-[:INTRODUCES|USES|EVALUATES_ON]-(x:Paper)
         WHERE coalesce(x.stub, false) = false
         RETURN DISTINCT x
       })}
     } AS mine
CALL (p, mine) {
  MATCH (p)-[:SIMILAR_TO|CITES]-(q:Paper) RETURN q
  UNION
  MATCH (p)<-[:CITES]-(:Paper)-[:CITES]->(q:Paper) RETURN q
  UNION
  MATCH (p)-[:CITES]->(:Paper)<-[:CITES]-(q:Paper) RETURN q
  UNION
  UNWIND mine AS m
  WITH m.entity AS e
  MATCH (e)<-[:INTRODUCES|USES|EVALUATES_ON]-(q:Paper)
  RETURN q
}
WITH p, mine, q WHERE q <> p AND coalesce(q.stub, false) = false
WITH p, q,
     COLLECT { MATCH (p)-[s:SIMILAR_TO]-(q) RETURN s.score } AS scores,
     EXISTS { (p)-[:CITES]->(q) } AS cites, EXISTS { (q)-[:CITES]->(p) } AS cited_by,
     COUNT { MATCH (p)<-[:CITES]-(c:Paper)-[:CITES]->(q) RETURN DISTINCT c } AS shared_citers,
     COUNT { MATCH (p)-[:CITES]->(r:Paper)<-[:CITES]-(q) RETURN DISTINCT r } AS shared_references,
     COLLECT {
       UNWIND mine AS m
       WITH m WHERE EXISTS {
         MATCH (q)-[:INTRODUCES|USES|EVALUATES_ON]->(x) WHERE x = m.entity
       }
       RETURN {name: m.entity.name, weight: m.weight} AS shared
       ORDER BY shared.weight DESC, shared.name
     } AS entities
WITH p, q, shared_citers, shared_references, entities,
     reduce(best = null, s IN scores | CASE WHEN best IS NULL OR s > best THEN s ELSE best END)
       AS cosine,
     CASE WHEN cites AND cited_by THEN 'both' WHEN cites THEN 'cites'
          WHEN cited_by THEN 'cited by' ELSE '' END AS citation
WITH p, q, cosine, citation, shared_citers, shared_references, entities,
     coalesce(cosine, 0.0) + CASE WHEN citation = '' THEN 0.0 ELSE 0.5 END
       + 0.25 * (shared_citers + shared_references)
       + 0.5 * reduce(total = 0.0, e IN entities | total + e.weight) AS score
RETURN p.title AS paper, q.title AS related, round(score, 3) AS score, round(cosine, 3) AS cosine,
       citation, shared_citers, shared_references, [e IN entities | e.name] AS shared_entities,
       q.cluster AS cluster, q.id AS id
ORDER BY score DESC, id
LIMIT $limit
