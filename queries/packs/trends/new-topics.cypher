// name: new-topics
// description: New topics: broad topics (level 1) and clusters (level 2) whose first dated paper is within the last days days up to the newest paper's date (7: the week ending then), newest first, with label, papers, first paper's date, parent topic and most central papers. level 0 = both levels.
// empty: when no topic or cluster began in those days (or no paper has a date)
// param: days int = 7
// param: level int = 0
// param: limit int = 25
MATCH (p:Paper)
WHERE p.feed_date IS :: DATE NOT NULL AND coalesce(p.stub, false) = false
WITH max(p.feed_date) AS newest
MATCH (q:Paper)-[:IN_CLUSTER]->(s:Cluster)
OPTIONAL MATCH (s)-[:SUBTOPIC_OF]->(t:Cluster)
WITH newest, q, [x IN [s, t] WHERE x IS NOT NULL] AS homes
UNWIND homes AS c
WITH newest, c, q
WHERE c.id >= 0 AND $level IN [0, coalesce(c.level, 2)]
ORDER BY q.pagerank DESC, q.id
WITH newest, c, collect(q) AS members,
     min(CASE WHEN q.feed_date IS :: DATE THEN q.feed_date END) AS first
WHERE $days >= 1 AND first >= newest - duration({days: $days - 1})
OPTIONAL MATCH (c)-[:SUBTOPIC_OF]->(parent:Cluster)
RETURN c.level AS level, c.id AS cluster, c.label AS label, first AS first_paper,
       size(members) AS papers, parent.label AS topic,
       [m IN members | m.title][..3] AS central_papers
ORDER BY first_paper DESC, level, papers DESC, cluster
LIMIT $limit
