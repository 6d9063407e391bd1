// name: bursting
// description: Methods, datasets and topics bursting in a window: their Kleinberg bursts (burst_starts, burst_ends, burst_weights) that overlap since..until, strongest first, with how many of the window's papers use each (or are in the topic). By default the window is the newest period, as paperkg trends reads it: the newest paper's day when the dated papers span at most six weeks, else its Monday-to-Sunday week; since alone runs to the newest paper, until alone starts its period. kind: any, method, dataset or cluster (topics and clusters; level 1 = broad topic).
// empty: when nothing bursts in the window (or no paper has a date)
// param: since date = ""
// param: until date = ""
// param: kind string = "any"
// param: limit int = 25
MATCH (p:Paper)
WHERE p.feed_date IS :: DATE NOT NULL AND coalesce(p.stub, false) = false
WITH min(p.feed_date) AS oldest, max(p.feed_date) AS newest
WITH newest, duration.inDays(oldest, newest).days < 42 AS daily,
     CASE WHEN coalesce($since, '') <> '' THEN date($since) END AS given_since,
     CASE WHEN coalesce($until, '') <> '' THEN date($until) END AS given_until
WITH daily, given_since, CASE
       WHEN given_until IS NOT NULL THEN given_until
       WHEN given_since IS NOT NULL THEN
         CASE WHEN given_since > newest THEN given_since ELSE newest END
       WHEN newest IS NULL OR daily THEN newest
       ELSE date.truncate('week', newest) + duration('P6D')
     END AS until
WITH until, coalesce(
       given_since,
       CASE WHEN daily OR until IS NULL THEN until ELSE date.truncate('week', until) END
     ) AS since
MATCH (n)
WHERE (n:Method OR n:Dataset OR n:Cluster) AND n.burst_starts IS NOT NULL
  AND toLower($kind) IN ['any', toLower(labels(n)[0])]
UNWIND range(0, size(n.burst_starts) - 1) AS i
WITH n, since, until, n.burst_starts[i] AS start, n.burst_ends[i] AS end,
     n.burst_weights[i] AS weight
WHERE start <= until AND end >= since
RETURN labels(n)[0] AS kind, coalesce(n.name, n.label) AS name, n.level AS level,
       start, end, weight,
       COUNT {
         MATCH (q:Paper)-[:USES|INTRODUCES|EVALUATES_ON|IN_CLUSTER]->(n)
         WHERE since <= q.feed_date <= until
         RETURN q
         UNION
         MATCH (q:Paper)-[:IN_CLUSTER]->(:Cluster)-[:SUBTOPIC_OF]->(n)
         WHERE since <= q.feed_date <= until
         RETURN q
       } AS papers_in_window,
       since AS window_start, until AS window_end
ORDER BY weight DESC, kind, name, start
LIMIT $limit
