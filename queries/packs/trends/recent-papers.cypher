// name: recent-papers
// description: Papers ranked by recent PageRank (PageRank whose random jumps favour recent papers: half as often per 90 days before the newest paper), beside plain PageRank, citation velocity (citations per 30 days since publication; dated, cited papers only) and citation count. days > 0 keeps the papers that reached the feed (feed_date: first listing, else publication) in the last days days up to the newest one's date; 0 = every paper.
// param: days int = 0
// param: limit int = 20
OPTIONAL MATCH (d:Paper)
WHERE d.feed_date IS :: DATE NOT NULL AND coalesce(d.stub, false) = false
WITH max(d.feed_date) AS newest
MATCH (p:Paper)
WHERE p.recent_pagerank IS NOT NULL AND coalesce(p.stub, false) = false
  AND ($days <= 0 OR p.feed_date >= newest - duration({days: $days - 1}))
OPTIONAL MATCH (p)-[:IN_CLUSTER]->(c:Cluster)
RETURN p.title AS paper, p.published AS published, c.label AS cluster,
       round(p.recent_pagerank * 1000, 3) AS recent_pagerank_x1000,
       round(p.pagerank * 1000, 3) AS pagerank_x1000,
       round(p.citation_velocity, 2) AS citation_velocity,
       COUNT { (p)<-[:CITES]-(:Paper) } AS cited_by, p.id AS id
ORDER BY p.recent_pagerank DESC, p.pagerank DESC, id
LIMIT $limit
